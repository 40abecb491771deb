import { EntraAuthConfig } from "../../../server/auth/config";
import type { OAuthFrontConfig } from "../../../server/auth/front/config";
import { authorizationServers, fullScopes, resourceIdentifier } from "../../../server/auth/scopes";

const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const TENANT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

function entra(overrides: Partial<EntraAuthConfig>): EntraAuthConfig {
  return {
    mode: "entra",
    tenantId: TENANT_ID,
    audiences: [CLIENT_ID],
    requiredScopes: [],
    requiredRoles: [],
    issuers: [],
    authority: "https://login.microsoftonline.com",
    jwksUri: "https://login.microsoftonline.com/common/discovery/v2.0/keys",
    ...overrides,
  };
}

// What the server advertises (protected-resource metadata, WWW-Authenticate) is what clients ask Entra
// for: a wrong resource or scope string means tokens the server then refuses.
describe("the resource and scopes clients are told to request", () => {
  it("the resource is the first api:// identifier URI, before other URIs and the client id", () => {
    const config = entra({
      audiences: [CLIENT_ID, "https://mcp.contoso.com", "api://first", "api://second"],
    });
    expect(resourceIdentifier(config)).toBe("api://first");
  });

  it("without an api:// URI the resource is the first other URI, not the client id", () => {
    const config = entra({ audiences: [CLIENT_ID, "https://one.contoso.com", "https://two.contoso.com"] });
    expect(resourceIdentifier(config)).toBe("https://one.contoso.com");
  });

  it("without any URI the resource is the first audience (the client id)", () => {
    expect(resourceIdentifier(entra({ audiences: [CLIENT_ID, "another"] }))).toBe(CLIENT_ID);
  });

  it("a client id that merely contains api:// text is not taken for a URI", () => {
    expect(resourceIdentifier(entra({ audiences: ["x-api://y", "api://real"] }))).toBe("api://real");
  });

  it("scopes are prefixed with the resource, trailing slashes of the resource dropped", () => {
    const config = entra({ audiences: ["api://app//"], requiredScopes: ["user_impersonation", "read"] });
    expect(fullScopes(config)).toEqual(["api://app/user_impersonation", "api://app/read"]);
  });

  it("only trailing slashes are dropped from the resource", () => {
    const config = entra({ audiences: ["https://mcp.contoso.com/path/"], requiredScopes: ["s"] });
    expect(fullScopes(config)).toEqual(["https://mcp.contoso.com/path/s"]);
  });

  it("no required scopes, no scopes advertised", () => {
    expect(fullScopes(entra({ audiences: ["api://app"] }))).toEqual([]);
  });

  it("authorization servers are the configured login.microsoftonline.com issuers only", () => {
    const v2 = `https://login.microsoftonline.com/${TENANT_ID}/v2.0`;
    const config = entra({ issuers: [`https://sts.windows.net/${TENANT_ID}/`, v2] });
    expect(authorizationServers(config)).toEqual([v2]);
  });

  it("without such an issuer the tenant's v2 issuer is advertised", () => {
    const config = entra({ issuers: [`https://sts.windows.net/${TENANT_ID}/`] });
    expect(authorizationServers(config)).toEqual([`https://login.microsoftonline.com/${TENANT_ID}/v2.0`]);
  });

  it("on another authority (a national cloud) its issuers and its tenant issuer are advertised", () => {
    const authority = "https://login.microsoftonline.us";
    expect(authorizationServers(entra({ authority, issuers: [`${authority}/${TENANT_ID}/v2.0`] }))).toEqual([
      `${authority}/${TENANT_ID}/v2.0`,
    ]);
    expect(
      authorizationServers(
        entra({ authority, issuers: [`https://login.microsoftonline.com/${TENANT_ID}/v2.0`] }),
      ),
    ).toEqual([`${authority}/${TENANT_ID}/v2.0`]);
  });

  it("with the authorization front, the front is the one authorization server", () => {
    const front = { issuer: "https://mcp.contoso.com" } as OAuthFrontConfig;
    const config = entra({ front, issuers: [`https://login.microsoftonline.com/${TENANT_ID}/v2.0`] });
    expect(authorizationServers(config)).toEqual(["https://mcp.contoso.com"]);
  });

  it("an issuer that only contains the login host later in the URL is not advertised", () => {
    const config = entra({ issuers: ["https://evil.example/https://login.microsoftonline.com/x/v2.0"] });
    expect(authorizationServers(config)).toEqual([`https://login.microsoftonline.com/${TENANT_ID}/v2.0`]);
  });
});
