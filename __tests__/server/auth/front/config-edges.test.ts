import { parseAuthConfig } from "../../../../server/auth/config";

// MCP_OAUTH_FRONT's settings at their edges: whitespace, the key's length in bytes, where the front's client
// id comes from, which public URLs can be its issuer, and the lifetimes of what it hands out.

const TENANT = "11111111-2222-3333-4444-555555555555";
const API = "6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f";
const OTHER = "0f0e0d0c-0b0a-4909-8807-060504030201";
const front = {
  AUTH_MODE: "entra",
  AZURE_TENANT_ID: TENANT,
  MCP_AUDIENCE: `api://${API}`,
  MCP_OAUTH_FRONT: "on",
  MCP_PUBLIC_URL: "https://mcp.example.com",
  MCP_OAUTH_FRONT_KEY: "k".repeat(32),
};

function frontOf(env: Record<string, string>) {
  const config = parseAuthConfig(env);
  if (config.mode !== "entra") throw new Error("expected entra mode");
  return config.front;
}

function messageOf(env: Record<string, string>): string {
  try {
    parseAuthConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

test("the switch is read trimmed; empty is off", () => {
  expect(frontOf({ ...front, MCP_OAUTH_FRONT: " on " })?.issuer).toBe("https://mcp.example.com");
  expect(frontOf({ ...front, MCP_OAUTH_FRONT: "  " })).toBeUndefined();
  expect(frontOf({ ...front, MCP_OAUTH_FRONT: "off" })).toBeUndefined();
  expect(messageOf({ ...front, MCP_OAUTH_FRONT: "On" })).toBe(
    "MCP_OAUTH_FRONT=\"On\" is not valid: 'on' or 'off'",
  );
});

test("the key is counted in bytes: 32 are enough, 31 are not, and a multi-byte character counts its bytes", () => {
  const config = frontOf(front)!;
  expect(config.key).toEqual(new TextEncoder().encode("k".repeat(32)));
  expect(frontOf({ ...front, MCP_OAUTH_FRONT_KEY: "é".repeat(16) })!.key.byteLength).toBe(32);
  expect(messageOf({ ...front, MCP_OAUTH_FRONT_KEY: "k".repeat(31) })).toBe(
    'MCP_OAUTH_FRONT_KEY="<redacted, 31 bytes>" is not valid: required with MCP_OAUTH_FRONT=on: a secret of at ' +
      "least 32 bytes, the same on every replica, e.g. `openssl rand -base64 48`",
  );
  const { MCP_OAUTH_FRONT_KEY: _key, ...withoutKey } = front;
  expect(messageOf(withoutKey)).toMatch(/^MCP_OAUTH_FRONT_KEY="<redacted, 0 bytes>" is not valid/);
});

describe("the front's client id at Entra", () => {
  test.each([
    ["a GUID audience", API],
    ["api://<GUID>", `api://${API}`],
    ["api://<GUID>/ with trailing slashes", `api://${API}//`],
    ["the first GUID among several audiences", `https://mcp.example.com/mcp,api://${API},${OTHER}`],
  ])("comes from %s", (_name, audience) => {
    expect(frontOf({ ...front, MCP_AUDIENCE: audience })!.clientId).toBe(API);
  });

  test("MCP_OAUTH_FRONT_CLIENT_ID, trimmed, wins over the audience", () => {
    expect(frontOf({ ...front, MCP_OAUTH_FRONT_CLIENT_ID: ` ${OTHER} ` })!.clientId).toBe(OTHER);
    expect(frontOf({ ...front, MCP_OAUTH_FRONT_CLIENT_ID: "  " })!.clientId).toBe(API);
  });

  test.each([
    ["an audience that only contains a GUID", `https://x.example/${API}`],
    ["an audience with a GUID after api:// in the middle", `x-api://${API}`],
    [
      "an api:// audience with a slash inside the GUID (only trailing slashes go)",
      `api://6b1f0c8e/-3d2a-4f5b-9c7d-0a1b2c3d4e5f`,
    ],
  ])("is not taken from %s", (_name, audience) => {
    expect(messageOf({ ...front, MCP_AUDIENCE: audience })).toMatch(
      /^MCP_OAUTH_FRONT_CLIENT_ID="" is not valid/,
    );
  });

  test("a client id that is no GUID is refused, naming it", () => {
    expect(messageOf({ ...front, MCP_OAUTH_FRONT_CLIENT_ID: "my-app" })).toBe(
      'MCP_OAUTH_FRONT_CLIENT_ID="my-app" is not valid: the front\'s application (client) id GUID at Entra; ' +
        "required when MCP_AUDIENCE names no client id (a GUID or api://<GUID>)",
    );
  });
});

describe("the issuer, MCP_PUBLIC_URL", () => {
  test("is its origin, trimmed: a path is dropped", () => {
    expect(frontOf({ ...front, MCP_PUBLIC_URL: " https://mcp.example.com:8443/base/ " })!.issuer).toBe(
      "https://mcp.example.com:8443",
    );
  });

  test("plain http only on a loopback host, which also allows loopback metadata documents", () => {
    const local = frontOf({ ...front, MCP_PUBLIC_URL: "http://127.0.0.1:3000" })!;
    expect(local.issuer).toBe("http://127.0.0.1:3000");
    expect(local.allowLoopbackClientMetadata).toBe(true);
    expect(frontOf({ ...front, MCP_PUBLIC_URL: "https://localhost" })!.allowLoopbackClientMetadata).toBe(
      true,
    );
    expect(frontOf(front)!.allowLoopbackClientMetadata).toBe(false);
    expect(messageOf({ ...front, MCP_PUBLIC_URL: "http://mcp.example.com" })).toBe(
      'MCP_PUBLIC_URL="http://mcp.example.com" is not valid: https with MCP_OAUTH_FRONT=on (http only for a ' +
        "loopback host): tokens and codes cross it",
    );
  });

  test("is trimmed of any whitespace, a no-break space included; unset is refused like empty", () => {
    expect(frontOf({ ...front, MCP_PUBLIC_URL: "\u00a0https://mcp.example.com\u00a0" })!.issuer).toBe(
      "https://mcp.example.com",
    );
    const { MCP_PUBLIC_URL: _url, ...withoutUrl } = front;
    expect(messageOf(withoutUrl)).toMatch(
      /^MCP_PUBLIC_URL="" is not valid: required with MCP_OAUTH_FRONT=on/,
    );
  });

  test.each(["ftp://mcp.example.com", "mcp.example.com", ""])("%p is refused", (value) => {
    expect(messageOf({ ...front, MCP_PUBLIC_URL: value })).toBe(
      `MCP_PUBLIC_URL=${JSON.stringify(value)} is not valid: required with MCP_OAUTH_FRONT=on: the front's ` +
        "issuer is this base URL (e.g. https://mcp.example.com), the same on every replica",
    );
  });
});

test("the secret, trimmed; blank is none", () => {
  expect(frontOf({ ...front, MCP_OAUTH_FRONT_CLIENT_SECRET: " s3cret " })!.clientSecret).toBe("s3cret");
  expect(frontOf({ ...front, MCP_OAUTH_FRONT_CLIENT_SECRET: "  " })!.clientSecret).toBeUndefined();
});

test("the Entra endpoints of the tenant, and the lifetimes of what the front hands out", () => {
  expect(frontOf({ ...front, AUTH_AUTHORITY: "https://login.microsoftonline.us" })).toMatchObject({
    entraAuthorizeUrl: `https://login.microsoftonline.us/${TENANT}/oauth2/v2.0/authorize`,
    entraTokenUrl: `https://login.microsoftonline.us/${TENANT}/oauth2/v2.0/token`,
    accessTokenSeconds: 600,
    refreshTokenSeconds: 14 * 24 * 60 * 60,
    codeSeconds: 60,
    consentSeconds: 600,
  });
});
