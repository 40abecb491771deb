import { parseAuthConfig } from "../../../server/auth/config";
import { ConfigError } from "../../../server/config-error";

// The auth settings at their edges: whitespace a deployment template leaves around a value, the exact words
// an operator reads when a value is refused, and the limits of what a tenant domain, an audience URI and the
// authority may look like.
const TENANT = "11111111-2222-3333-4444-555555555555";
const ENTRA = { AUTH_MODE: "entra", AZURE_TENANT_ID: TENANT, MCP_AUDIENCE: "api://mcp-test" };
const API_KEYS = { AUTH_MODE: "apikey", MCP_API_KEYS: "a:0123456789abcdef" };

function messageOf(env: Record<string, string | undefined>): string {
  try {
    parseAuthConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

function entraConfig(env: Record<string, string | undefined>) {
  const config = parseAuthConfig(env);
  if (config.mode !== "entra") throw new Error("expected entra mode");
  return config;
}

describe("what an operator reads when an auth setting is refused", () => {
  test.each([
    [
      "the front without Entra",
      { ...API_KEYS, MCP_OAUTH_FRONT: "on" },
      `MCP_OAUTH_FRONT="on" is not valid: 'off' unless AUTH_MODE=entra (got AUTH_MODE=apikey): the front signs users in at Entra ID`,
    ],
    [
      "an open server on the network",
      { HOST: "0.0.0.0" },
      'HOST="0.0.0.0" is not valid: AUTH_MODE=none serves without authentication, so HOST must be a loopback ' +
        "address (127.0.0.1, ::1, localhost). Set AUTH_MODE=entra or AUTH_MODE=apikey, or set " +
        "MCP_ALLOW_UNAUTHENTICATED=true to serve unauthenticated on a non-loopback address",
    ],
    [
      "no tenant",
      { ...ENTRA, AZURE_TENANT_ID: undefined },
      'AZURE_TENANT_ID="" is not valid: required when AUTH_MODE=entra: the tenant GUID or a verified domain such ' +
        "as contoso.onmicrosoft.com (multi-tenant 'common' / 'organizations' are not supported)",
    ],
    [
      "a domain tenant without issuers",
      { ...ENTRA, AZURE_TENANT_ID: "contoso.onmicrosoft.com" },
      'AUTH_ISSUERS="" is not valid: required when AZURE_TENANT_ID is a domain (contoso.onmicrosoft.com): Entra ' +
        "puts the tenant GUID in the iss claim, so set AZURE_TENANT_ID to the tenant GUID or list the issuers",
    ],
    [
      "an authority with a fragment",
      { ...ENTRA, AUTH_AUTHORITY: "https://login.example.com/#x" },
      'AUTH_AUTHORITY="https://login.example.com/#x" is not valid: an https base URL such as ' +
        "https://login.microsoftonline.com (http only for a loopback host), without query, fragment or credentials",
    ],
    [
      "a key too short",
      { AUTH_MODE: "apikey", MCP_API_KEYS: "a:short" },
      `MCP_API_KEYS="<redacted>" is not valid: entry 1 (label 'a'): key has 5 characters; at least 16 are required`,
    ],
  ])("%s", (_what, env, message) => {
    expect(messageOf(env)).toBe(message);
  });
});

describe("whitespace around a value is not part of it", () => {
  test.each(["", "   "])("MCP_OAUTH_FRONT=%j is off, so any mode may have it", (MCP_OAUTH_FRONT) => {
    expect(parseAuthConfig({ ...API_KEYS, MCP_OAUTH_FRONT }).mode).toBe("apikey");
  });

  test.each(["   ", " 127.0.0.1 ", "\t::1\n"])("HOST=%j is a loopback host for AUTH_MODE=none", (HOST) => {
    expect(parseAuthConfig({ HOST })).toEqual({ mode: "none", allowUnauthenticated: false });
  });

  test("AZURE_TENANT_ID with spaces around the GUID", () => {
    expect(entraConfig({ ...ENTRA, AZURE_TENANT_ID: ` ${TENANT} ` }).tenantId).toBe(TENANT);
  });

  test("AUTH_AUTHORITY of only spaces is the public cloud", () => {
    expect(entraConfig({ ...ENTRA, AUTH_AUTHORITY: "   " }).authority).toBe(
      "https://login.microsoftonline.com",
    );
  });
});

describe("AUTH_AUTHORITY is a bare https base URL", () => {
  test("trailing slashes are dropped, however many", () => {
    expect(entraConfig({ ...ENTRA, AUTH_AUTHORITY: "https://login.microsoftonline.us//" }).authority).toBe(
      "https://login.microsoftonline.us",
    );
  });

  test.each([
    "https://login.example.com/#x",
    "https://user@login.example.com",
    "https://user:pw@login.example.com",
    // A password alone: it would be published in the metadata's authorization server URLs.
    "https://:pw@login.example.com",
  ])("refuses %s", (AUTH_AUTHORITY) => {
    expect(messageOf({ ...ENTRA, AUTH_AUTHORITY })).toContain("AUTH_AUTHORITY=");
  });
});

describe("on a loopback host, http is allowed, not any scheme", () => {
  test.each([
    ["AUTH_JWKS_URI", "ftp://127.0.0.1/keys"],
    ["AUTH_JWKS_URI", "file://localhost/keys"],
    ["AUTH_AUTHORITY", "ftp://127.0.0.1"],
  ])("refuses %s=%s", (variable, value) => {
    expect(messageOf({ ...ENTRA, [variable]: value })).toContain(`${variable}=`);
  });
});

describe("a tenant given as a domain", () => {
  const withIssuers = { ...ENTRA, AUTH_ISSUERS: `https://sts.windows.net/${TENANT}/` };

  test.each(["x.onmicrosoft.com", "contoso.onmicrosoft.com", "a-b.contoso.com"])("accepts %s", (domain) => {
    expect(entraConfig({ ...withIssuers, AZURE_TENANT_ID: domain }).tenantId).toBe(domain);
  });

  test.each([
    ["-contoso.onmicrosoft.com", "a label starting with a hyphen"],
    ["contoso.onmicrosoft.com-", "something after the top-level domain"],
    [`${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.com`, "over 253 characters"],
  ])("refuses %s (%s)", (domain) => {
    expect(messageOf({ ...withIssuers, AZURE_TENANT_ID: domain })).toContain("AZURE_TENANT_ID=");
  });
});

describe("an audience is a client id GUID or a whole URI", () => {
  test.each(["1api://mcp-test", "api://mcp test"])("refuses %j", (MCP_AUDIENCE) => {
    expect(messageOf({ ...ENTRA, MCP_AUDIENCE })).toContain("MCP_AUDIENCE=");
  });
});
