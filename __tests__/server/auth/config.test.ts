import { ConfigError } from "../../../server/config-error";
import { parseAuthConfig } from "../../../server/auth/config";

const TENANT = "11111111-2222-3333-4444-555555555555";
const ENTRA = { AUTH_MODE: "entra", AZURE_TENANT_ID: TENANT, MCP_AUDIENCE: "api://mcp-test" };
const SECRET = "s3cret-value-0123456789";

/** Parses and returns the ConfigError; fails the test when parsing succeeds or throws something else. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseAuthConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

describe("AUTH_MODE", () => {
  test("defaults to none on loopback", () => {
    expect(parseAuthConfig({})).toEqual({ mode: "none", allowUnauthenticated: false });
  });

  test("fails when the mode is unknown", () => {
    const error = configError({ AUTH_MODE: "oauth" });
    expect(error.variable).toBe("AUTH_MODE");
    expect(error.message).toMatch(/AUTH_MODE="oauth".*'none', 'entra', 'apikey'/);
  });
});

describe("none", () => {
  test.each(["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "::ffff:127.0.0.1"])(
    "accepts loopback HOST %s",
    (HOST) => {
      expect(parseAuthConfig({ HOST }).mode).toBe("none");
    },
  );

  test.each(["0.0.0.0", "::", "10.0.0.4", "example.com"])("fails when HOST=%s is not loopback", (HOST) => {
    const error = configError({ HOST });
    expect(error.variable).toBe("HOST");
    expect(error.message).toContain(`HOST="${HOST}"`);
    expect(error.message).toContain("must be a loopback address");
    expect(error.message).toContain("MCP_ALLOW_UNAUTHENTICATED=true");
  });

  test.each(["2001:db8::1", "fe80::1", "[fe80::1]", "::2", "1::1", "::1:1", "::ffff:10.0.0.1", "128.0.0.1"])(
    "fails when HOST=%s, an address that only looks like loopback",
    (HOST) => {
      expect(configError({ HOST }).variable).toBe("HOST");
    },
  );

  test.each(["0:0:0:0:0:0:0:1", "::0001", "0000:0000::1"])("accepts the long forms of ::1 (%s)", (HOST) => {
    expect(parseAuthConfig({ HOST }).mode).toBe("none");
  });

  test.each([" http ", "http\n", "\thttp", ""])(
    "reads MCP_TRANSPORT=%j as loadConfig does: an HTTP server, so a non-loopback HOST still fails",
    (MCP_TRANSPORT) => {
      expect(configError({ HOST: "0.0.0.0", MCP_TRANSPORT }).variable).toBe("HOST");
      expect(parseAuthConfig({ HOST: "0.0.0.0", MCP_TRANSPORT: " stdio " }).mode).toBe("none");
    },
  );

  test("stdio listens on no address, so HOST does not matter there", () => {
    expect(parseAuthConfig({ HOST: "0.0.0.0", MCP_TRANSPORT: "stdio" }).mode).toBe("none");
    expect(configError({ HOST: "0.0.0.0", MCP_TRANSPORT: "http" }).variable).toBe("HOST");
  });

  test("MCP_ALLOW_UNAUTHENTICATED=true allows a non-loopback HOST", () => {
    expect(parseAuthConfig({ HOST: "0.0.0.0", MCP_ALLOW_UNAUTHENTICATED: "true" })).toEqual({
      mode: "none",
      allowUnauthenticated: true,
    });
  });

  test("fails when MCP_ALLOW_UNAUTHENTICATED is not a boolean", () => {
    expect(configError({ MCP_ALLOW_UNAUTHENTICATED: "yes" }).message).toMatch(
      /MCP_ALLOW_UNAUTHENTICATED="yes".*'true' or 'false'/,
    );
  });
});

describe("entra", () => {
  test("defaults: both issuers, the tenant's discovery keys, user_impersonation, Mcp.Invoke", () => {
    expect(parseAuthConfig({ ...ENTRA, MCP_AUDIENCE: ` api://mcp-test , ${TENANT} ` })).toEqual({
      mode: "entra",
      tenantId: TENANT,
      audiences: ["api://mcp-test", TENANT],
      requiredScopes: ["user_impersonation"],
      requiredRoles: ["Mcp.Invoke"],
      issuers: [`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://sts.windows.net/${TENANT}/`],
      jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
      authority: "https://login.microsoftonline.com",
    });
  });

  test("explicit lists replace the defaults", () => {
    const config = parseAuthConfig({
      ...ENTRA,
      MCP_REQUIRED_SCOPES: "a.read,b.write",
      MCP_REQUIRED_ROLES: "Role.One",
      AUTH_ISSUERS: "https://issuer.example/",
      AUTH_JWKS_URI: "http://127.0.0.1:4000/keys",
    });
    expect(config).toMatchObject({
      requiredScopes: ["a.read", "b.write"],
      requiredRoles: ["Role.One"],
      issuers: ["https://issuer.example/"],
      jwksUri: "http://127.0.0.1:4000/keys",
    });
  });

  test.each([
    ["AZURE_TENANT_ID", { AZURE_TENANT_ID: undefined }, /required when AUTH_MODE=entra/],
    [
      "AZURE_TENANT_ID",
      { AZURE_TENANT_ID: "common" },
      /AZURE_TENANT_ID="common".*tenant GUID or a verified domain/,
    ],
    ["AZURE_TENANT_ID", { AZURE_TENANT_ID: "not a tenant" }, /tenant GUID/],
    [
      "AUTH_ISSUERS",
      { AZURE_TENANT_ID: "contoso.onmicrosoft.com" },
      /required when AZURE_TENANT_ID is a domain/,
    ],
    ["MCP_AUDIENCE", { MCP_AUDIENCE: undefined }, /at least one entry is required/],
    ["MCP_AUDIENCE", { MCP_AUDIENCE: "api://ok,,x" }, /entry 2 \(""\)/],
    ["MCP_AUDIENCE", { MCP_AUDIENCE: "my-api" }, /entry 1 \("my-api"\).*client id GUID or an identifier URI/],
    [
      "MCP_REQUIRED_SCOPES",
      { MCP_REQUIRED_SCOPES: "api://mcp-test/user_impersonation" },
      /short scope names/,
    ],
    ["MCP_REQUIRED_SCOPES", { MCP_REQUIRED_SCOPES: "" }, /at least one entry/],
    ["MCP_REQUIRED_ROLES", { MCP_REQUIRED_ROLES: "Mcp Invoke" }, /app role values/],
    ["AUTH_ISSUERS", { AUTH_ISSUERS: "login.microsoftonline.com" }, /absolute issuer URLs/],
    ["AUTH_JWKS_URI", { AUTH_JWKS_URI: "not a url" }, /an https URL/],
    ["AUTH_JWKS_URI", { AUTH_JWKS_URI: "http://keys.example/keys" }, /http only for a loopback host/],
  ])("fails on %s %j", (variable, overrides, message) => {
    const error = configError({ ...ENTRA, ...overrides });
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    expect(error.message).toMatch(message);
  });

  test("accepts a domain tenant when the issuers are listed", () => {
    const config = parseAuthConfig({
      ...ENTRA,
      AZURE_TENANT_ID: "contoso.onmicrosoft.com",
      AUTH_ISSUERS: `https://sts.windows.net/${TENANT}/`,
    });
    expect(config).toMatchObject({
      tenantId: "contoso.onmicrosoft.com",
      jwksUri: "https://login.microsoftonline.com/contoso.onmicrosoft.com/discovery/v2.0/keys",
    });
  });
});

describe("apikey", () => {
  test("parses labelled and bare keys; a bare key's label is derived from its hash", () => {
    const config = parseAuthConfig({
      AUTH_MODE: "apikey",
      MCP_API_KEYS: `ci:${SECRET}, ${SECRET}-2, weird/label:${SECRET}-3`,
    });
    expect(config).toEqual({
      mode: "apikey",
      apiKeys: [
        { label: "ci", key: SECRET },
        { label: expect.stringMatching(/^key-[0-9a-f]{8}$/), key: `${SECRET}-2` },
        // "weird/label" is not a label (slash), so the whole entry is one bare key.
        { label: expect.stringMatching(/^key-[0-9a-f]{8}$/), key: `weird/label:${SECRET}-3` },
      ],
    });
  });

  test("a key of 16 characters is long enough, one of 15 is not", () => {
    const sixteen = "0123456789abcdef";
    expect(parseAuthConfig({ AUTH_MODE: "apikey", MCP_API_KEYS: `k:${sixteen}` })).toEqual({
      mode: "apikey",
      apiKeys: [{ label: "k", key: sixteen }],
    });
    expect(configError({ AUTH_MODE: "apikey", MCP_API_KEYS: `k:${sixteen.slice(1)}` }).message).toContain(
      "entry 1 (label 'k'): key has 15 characters; at least 16 are required",
    );
  });

  test("the derived label is stable and differs per key", () => {
    const labels = (value: string) => {
      const config = parseAuthConfig({ AUTH_MODE: "apikey", MCP_API_KEYS: value });
      return config.mode === "apikey" ? config.apiKeys.map((k) => k.label) : [];
    };
    expect(labels(`${SECRET}-a,${SECRET}-b`)).toEqual(labels(`${SECRET}-a,${SECRET}-b`));
    expect(new Set(labels(`${SECRET}-a,${SECRET}-b`)).size).toBe(2);
  });

  test.each([
    ["missing", undefined, /required when AUTH_MODE=apikey/],
    ["empty", " ", /required when AUTH_MODE=apikey/],
    ["an empty entry", `a:${SECRET},,b:${SECRET}x`, /entry 2 is empty/],
    [
      "a short key",
      `a:${SECRET},short:abc123`,
      /entry 2 \(label 'short'\): key has 6 characters; at least 16/,
    ],
    ["a short bare key", "tooShortKey", /entry 1 \(label 'key-[0-9a-f]{8}'\): key has 11 characters/],
    ["a duplicate label", `a:${SECRET},a:${SECRET}-x`, /share the label 'a'/],
    ["a repeated key", `a:${SECRET},b:${SECRET}`, /entry 'b' repeats a key/],
  ])("fails on %s, naming the entry but never the key", (_name, value, message) => {
    const error = configError({ AUTH_MODE: "apikey", MCP_API_KEYS: value });
    expect(error.variable).toBe("MCP_API_KEYS");
    expect(error.message).toContain("MCP_API_KEYS");
    expect(error.message).toMatch(message);
    for (const secret of [SECRET, "abc123", "tooShortKey"]) expect(error.message).not.toContain(secret);
  });
});
