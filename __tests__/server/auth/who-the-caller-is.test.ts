import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseAuthConfig } from "../../../server/auth/config";
import { createFailedAuthThrottle } from "../../../server/auth/failed-auth-throttle";
import { ConfigError } from "../../../server/config-error";
import { JwksServer } from "./support/jwks-server";
import { startTestApp, type TestApp } from "./support/test-app";
import {
  APP_ID_URI,
  CLIENT_ID,
  delegatedClaims,
  newSigningKey,
  signToken,
  TENANT_ID,
  type SigningKey,
} from "./support/tokens";

// One-character changes to the code that decides who the caller is, each of which a test here notices: the
// test fails with the named mutant in place.

const entraEnv = (jwksUri: string, extra: Record<string, string> = {}) => ({
  AUTH_MODE: "entra",
  AZURE_TENANT_ID: TENANT_ID,
  MCP_AUDIENCE: `${APP_ID_URI},${CLIENT_ID}`,
  AUTH_JWKS_URI: jwksUri,
  ...extra,
});

const post = (app: TestApp, headers: Record<string, string> = {}, path = "/mcp") =>
  fetch(`${app.url}${path}`, { method: "POST", headers });

describe("entra: scopes, roles and the object id", () => {
  let key: SigningKey;
  let jwks: JwksServer;
  let app: TestApp;
  beforeAll(async () => {
    key = await newSigningKey("k1");
    jwks = new JwksServer([key.jwk]);
    await jwks.start();
    app = await startTestApp(
      parseAuthConfig(
        entraEnv(jwks.uri, {
          MCP_REQUIRED_SCOPES: "user_impersonation,Mcp.Use",
          MCP_REQUIRED_ROLES: "Mcp.Invoke",
        }),
      ),
    );
  });
  // A beforeAll that threw leaves these unset: the tests then fail on their own, not this hook.
  afterAll(async () => {
    await app?.close();
    await jwks?.stop();
  });
  const statusWith = async (claims: Record<string, unknown>) =>
    (await post(app, { authorization: `Bearer ${await signToken(delegatedClaims(claims), key)}` })).status;

  it("lets in a delegated token with one required scope among several others", async () => {
    expect(await statusWith({ scp: "openid profile Mcp.Use offline_access" })).toBe(200);
    expect(await statusWith({ scp: "openid user_impersonation" })).toBe(200);
  });

  it("refuses a delegated token whose several scopes are none of the required ones", async () => {
    expect(await statusWith({ scp: "openid profile offline_access" })).toBe(403);
  });

  it("lets in an app-only token with the required role among others, refuses one without it", async () => {
    expect(await statusWith({ scp: undefined, roles: ["Reader", "Mcp.Invoke", "Writer"] })).toBe(200);
    expect(await statusWith({ scp: undefined, roles: ["Reader", "Writer"] })).toBe(403);
  });

  it.each([
    ["an empty oid", ""],
    ["a numeric oid", 12345],
    ["no oid", undefined],
  ])("refuses a token with %s: 401 invalid_token, never a caller with a made-up id", async (_what, oid) => {
    const response = await post(app, {
      authorization: `Bearer ${await signToken(delegatedClaims({ oid }), key)}`,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });
});

describe("entra: what the failed-auth throttle counts", () => {
  it("counts tokens that fail to verify, not verified tokens lacking a scope, and its 429 keeps the entra challenge", async () => {
    const key = await newSigningKey("k1");
    const jwks = new JwksServer([key.jwk]);
    await jwks.start();
    const app = await startTestApp(parseAuthConfig(entraEnv(jwks.uri)), {
      failedAuthThrottle: createFailedAuthThrottle(1),
    });
    try {
      const bearer = async (claims: Record<string, unknown>, signingKey = key) => ({
        authorization: `Bearer ${await signToken(delegatedClaims(claims), signingKey)}`,
      });
      for (let i = 0; i < 3; i++)
        expect((await post(app, await bearer({ scp: "Files.Read" }))).status).toBe(403);
      const forged = await newSigningKey("k1");
      const first = await post(app, await bearer({}, forged));
      expect(first.status).toBe(401);
      const second = await post(app, await bearer({}, forged));
      expect(second.status).toBe(429);
      expect(second.headers.get("www-authenticate")).toBe(first.headers.get("www-authenticate"));
      expect(second.headers.get("www-authenticate")).toContain("resource_metadata=");
      expect((await post(app, await bearer({}))).status).toBe(200);
    } finally {
      await app.close();
      await jwks.stop();
    }
  });
});

/** A JWKS endpoint that fails the way a tenant's can: HTTP 500, or no answer at all. */
async function failingJwks(mode: "500" | "hang"): Promise<{ uri: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    if (mode === "500") {
      res.statusCode = 500;
      res.end("upstream error");
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("entra: signing keys unavailable before any were cached", () => {
  it.each(["500", "hang"] as const)(
    "answers 503 -32000 with Retry-After, not 401 and never the retired -32002, when the JWKS endpoint %s",
    async (mode) => {
      const key = await newSigningKey("k1");
      const endpoint = await failingJwks(mode);
      // A throttle of 1: an outage of the keys is not the caller's failure, so both attempts stay 503.
      const app = await startTestApp(parseAuthConfig(entraEnv(endpoint.uri)), {
        jwks: { fetchTimeoutMs: 200 },
        failedAuthThrottle: createFailedAuthThrottle(1),
      });
      try {
        for (let attempt = 0; attempt < 2; attempt++) {
          // The second attempt falls in the fetch cooldown: still keys unavailable, not a bad token.
          const response = await post(app, {
            authorization: `Bearer ${await signToken(delegatedClaims(), key)}`,
          });
          expect(response.status).toBe(503);
          expect(response.headers.get("retry-after")).toBe("30");
          expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32000);
        }
      } finally {
        await app.close();
        await endpoint.close();
      }
    },
  );
});

describe("credentials in the URL", () => {
  const KEY = "ci-key-0123456789abcdef";
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(parseAuthConfig({ AUTH_MODE: "apikey", MCP_API_KEYS: `ci:${KEY}` }));
  });
  afterAll(() => app?.close());

  it.each(["access_token", "token", "api_key", "api-key", "apikey"])(
    "refuses ?%s= with 401 invalid_request, even beside a valid key in a header",
    async (name) => {
      for (const headers of [{}, { "x-api-key": KEY }] as Record<string, string>[]) {
        const response = await post(app, headers, `/mcp?${name}=${KEY}`);
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toBe('Bearer realm="mcp", error="invalid_request"');
        expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
          "Unauthorized: send the API key in a header, not the URL",
        );
      }
    },
  );

  it("serves other query parameters", async () => {
    expect((await post(app, { "x-api-key": KEY }, "/mcp?sessionId=abc&tokens=1")).status).toBe(200);
  });
});

describe("API keys and whitespace", () => {
  it.each([
    ["a space", "label:abcdefgh ijklmnopq"],
    ["a tab", "label:abcdefgh\tijklmnopq"],
    ["a newline", "label:abcdefghijklmnopq\nxyz"],
  ])("refuses a configured key containing %s, naming the entry and never the key", (_what, raw) => {
    let error: unknown;
    try {
      parseAuthConfig({ AUTH_MODE: "apikey", MCP_API_KEYS: raw });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("entry 1 (label 'label'): key contains whitespace");
    expect((error as ConfigError).message).not.toContain("ijklmnopq");
  });

  it("never matches a presented key with whitespace inside, while the same key without it passes", async () => {
    const KEY = "abcdefgh-ijklmnopq";
    const app = await startTestApp(parseAuthConfig({ AUTH_MODE: "apikey", MCP_API_KEYS: `ws:${KEY}` }));
    try {
      expect((await post(app, { "x-api-key": "abcdefgh- ijklmnopq" })).status).toBe(401);
      expect((await post(app, { authorization: "Bearer abcdefgh- ijklmnopq" })).status).toBe(401);
      expect((await post(app, { "x-api-key": KEY })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
