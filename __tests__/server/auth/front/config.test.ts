import { parseAuthConfig } from "../../../../server/auth/config";
import { ConfigError } from "../../../../server/config-error";
import { OAUTH_FRONT_CALLBACK_PATH } from "../../../../server/auth/front/paths";
import { OAUTH_FRONT_CALLBACK_PATH as CONSTRUCTS_CALLBACK_PATH } from "../../../../constructs/mcp-container-app";

const TENANT = "11111111-2222-3333-4444-555555555555";
const API = "6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f";
const KEY = "k".repeat(48);
const entra = { AUTH_MODE: "entra", AZURE_TENANT_ID: TENANT, MCP_AUDIENCE: `api://${API}` };
const front = {
  ...entra,
  MCP_OAUTH_FRONT: "on",
  MCP_PUBLIC_URL: "https://mcp.example.com",
  MCP_OAUTH_FRONT_KEY: KEY,
};

function entraConfig(env: Record<string, string>) {
  const config = parseAuthConfig(env);
  if (config.mode !== "entra") throw new Error("expected entra mode");
  return config;
}

describe("AUTH_AUTHORITY", () => {
  test("defaults to the public cloud: issuers, JWKS and the front's Entra endpoints derive from it", () => {
    const config = entraConfig(front);
    expect(config.authority).toBe("https://login.microsoftonline.com");
    expect(config.issuers).toEqual([
      `https://login.microsoftonline.com/${TENANT}/v2.0`,
      `https://sts.windows.net/${TENANT}/`,
    ]);
    expect(config.jwksUri).toBe(`https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
    expect(config.front?.entraAuthorizeUrl).toBe(
      `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize`,
    );
    expect(config.front?.entraTokenUrl).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
  });

  test("another authority moves every endpoint, and the v1 issuer of the public cloud is no longer accepted", () => {
    const config = entraConfig({ ...front, AUTH_AUTHORITY: "https://login.microsoftonline.us/" });
    expect(config.issuers).toEqual([`https://login.microsoftonline.us/${TENANT}/v2.0`]);
    expect(config.jwksUri).toBe(`https://login.microsoftonline.us/${TENANT}/discovery/v2.0/keys`);
    expect(config.front?.entraTokenUrl).toBe(`https://login.microsoftonline.us/${TENANT}/oauth2/v2.0/token`);
  });

  test.each(["http://login.example.com", "not a url", "https://login.example.com/?x=1"])(
    "fails when AUTH_AUTHORITY is %s",
    (value) => {
      expect(() => parseAuthConfig({ ...entra, AUTH_AUTHORITY: value })).toThrow(
        /AUTH_AUTHORITY.*https base URL/,
      );
    },
  );

  test("http is accepted on a loopback host (tests)", () => {
    expect(entraConfig({ ...entra, AUTH_AUTHORITY: "http://127.0.0.1:4000" }).jwksUri).toBe(
      `http://127.0.0.1:4000/${TENANT}/discovery/v2.0/keys`,
    );
  });
});

describe("MCP_OAUTH_FRONT", () => {
  test("is off by default", () => {
    expect(entraConfig(entra).front).toBeUndefined();
  });

  test("on: the issuer is MCP_PUBLIC_URL, the Entra client defaults to the API's client id", () => {
    const config = entraConfig(front).front!;
    expect(config.issuer).toBe("https://mcp.example.com");
    expect(config.clientId).toBe(API);
    expect(config.clientSecret).toBeUndefined();
    expect(config.entraScopes).toEqual([`api://${API}/user_impersonation`, "offline_access"]);
    expect(config.allowLoopbackClientMetadata).toBe(false);
  });

  test.each([
    [
      "AUTH_MODE=apikey",
      { AUTH_MODE: "apikey", MCP_API_KEYS: "a:0123456789abcdef0123456789abcdef", MCP_OAUTH_FRONT: "on" },
    ],
    ["AUTH_MODE=none", { MCP_OAUTH_FRONT: "on" }],
  ])("fails with %s: the front needs entra mode", (_name, env) => {
    expect(() => parseAuthConfig(env)).toThrow(/MCP_OAUTH_FRONT.*AUTH_MODE=entra/);
  });

  test("fails when the switch is neither on nor off", () => {
    expect(() => parseAuthConfig({ ...front, MCP_OAUTH_FRONT: "yes" })).toThrow(
      /MCP_OAUTH_FRONT="yes".*'on' or 'off'/,
    );
  });

  test("fails without MCP_PUBLIC_URL, or with plain http on a public host", () => {
    expect(() => parseAuthConfig({ ...front, MCP_PUBLIC_URL: "" })).toThrow(/MCP_PUBLIC_URL.*issuer/);
    expect(() => parseAuthConfig({ ...front, MCP_PUBLIC_URL: "http://mcp.example.com" })).toThrow(
      /MCP_PUBLIC_URL.*https/,
    );
  });

  test("fails with a short key, and the message never shows the key", () => {
    let error: unknown;
    try {
      parseAuthConfig({ ...front, MCP_OAUTH_FRONT_KEY: "short-secret-value" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/MCP_OAUTH_FRONT_KEY.*18 bytes.*at least 32/);
    expect((error as Error).message).not.toContain("short-secret-value");
  });

  test("fails when no client id can be found for the front", () => {
    expect(() => parseAuthConfig({ ...front, MCP_AUDIENCE: "https://mcp.example.com/mcp" })).toThrow(
      /MCP_OAUTH_FRONT_CLIENT_ID/,
    );
    expect(
      entraConfig({ ...front, MCP_AUDIENCE: "https://mcp.example.com/mcp", MCP_OAUTH_FRONT_CLIENT_ID: API })
        .front?.clientId,
    ).toBe(API);
  });
});

test("the constructs register the same callback path the front serves", () => {
  expect(CONSTRUCTS_CALLBACK_PATH).toBe(OAUTH_FRONT_CALLBACK_PATH);
});
