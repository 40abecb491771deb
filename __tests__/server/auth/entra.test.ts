import { base64url, exportPKCS8, exportSPKI, importPKCS8, UnsecuredJWT } from "jose";
import type { AuthConfig } from "../../../server/auth/config";
import { parseAuthConfig } from "../../../server/auth/config";
import { eventually } from "../support/test-server";
import { JwksServer } from "./support/jwks-server";
import { startTestApp, type TestApp } from "./support/test-app";
import {
  APP_ID_URI,
  CLIENT_ID,
  delegatedClaims,
  newSigningKey,
  signToken,
  TENANT_ID,
  V1_ISSUER,
  type SigningKey,
  DELEGATED_CALLER,
} from "./support/tokens";

const COOLDOWN_MS = 30_000;
const REFRESH_AFTER_MS = 600_000;
const CACHE_MAX_AGE_MS = 300_000;
const FULL_SCOPE = `${APP_ID_URI}/user_impersonation`;

let key1: SigningKey;
let jwks: JwksServer;
let app: TestApp;
let clock: number;
let issuedTokens: string[];

function entraConfig(jwksUri: string): AuthConfig {
  return parseAuthConfig({
    AUTH_MODE: "entra",
    AZURE_TENANT_ID: TENANT_ID,
    MCP_AUDIENCE: `${APP_ID_URI},${CLIENT_ID}`,
    AUTH_JWKS_URI: jwksUri,
  });
}

async function token(
  claims = delegatedClaims(),
  key: { kid?: string; privateKey: SigningKey["privateKey"] | Uint8Array } = key1,
  alg = "RS256",
) {
  const jwt = await signToken(claims, key, alg);
  issuedTokens.push(jwt);
  return jwt;
}

function call(bearer?: string, path = "/mcp") {
  return fetch(`${app.url}${path}`, {
    method: "POST",
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  });
}

async function expectInvalidToken(jwt: string) {
  const res = await call(jwt);
  expect(res.status).toBe(401);
  const challenge = res.headers.get("www-authenticate") ?? "";
  expect(challenge).toContain('error="invalid_token"');
  expect(challenge).toContain(`resource_metadata="${app.url}/.well-known/oauth-protected-resource/mcp"`);
  expect(challenge).toContain(`scope="${FULL_SCOPE}"`);
  expect(await res.json()).toEqual({
    jsonrpc: "2.0",
    error: { code: -32001, message: expect.stringMatching(/^Unauthorized/) },
    id: null,
  });
}

beforeAll(async () => {
  key1 = await newSigningKey("k1");
});

beforeEach(async () => {
  clock = 1_000_000;
  issuedTokens = [];
  jwks = new JwksServer([key1.jwk]);
  await jwks.start();
  app = await startTestApp(entraConfig(jwks.uri), {
    jwks: { now: () => clock, cooldownMs: COOLDOWN_MS, refreshAfterMs: REFRESH_AFTER_MS },
    verifiedTokens: { now: () => clock, maxAgeMs: CACHE_MAX_AGE_MS },
  });
});

afterEach(async () => {
  await app.close();
  await jwks.stop();
  // No log line may carry a token or its signature.
  for (const line of app.logLines) {
    for (const jwt of issuedTokens) {
      expect(line).not.toContain(jwt);
      const signature = jwt.split(".")[2];
      if (signature !== "") expect(line).not.toContain(signature);
    }
  }
});

describe("entra mode", () => {
  test("no token: 401 pointing at the protected resource metadata, with the scope to request", async () => {
    const res = await call();
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${app.url}/.well-known/oauth-protected-resource/mcp", scope="${FULL_SCOPE}"`,
    );
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32001);
  });

  test.each(["/sse", "/messages"])("no token on %s: 401", async (path) => {
    expect((await call(undefined, path)).status).toBe(401);
  });

  test("valid v2 delegated token: 200 and the caller identity, never the token", async () => {
    const jwt = await token();
    const res = await call(jwt);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      caller: unknown;
      token: string;
      clientId: string;
      expiresAt: unknown;
    };
    expect(body.caller).toEqual(DELEGATED_CALLER);
    expect(body.token).toBe("");
    expect(body.clientId).toBe("04b07795-8ddb-461a-bbee-02f9e1bf7b46");
    expect(typeof body.expiresAt).toBe("number");
    expect(JSON.stringify(body)).not.toContain(jwt.split(".")[2]);
  });

  test("valid v1 token (sts.windows.net issuer, client id audience, appid, upn): 200", async () => {
    const claims = delegatedClaims({
      iss: V1_ISSUER,
      aud: CLIENT_ID,
      azp: undefined,
      appid: "app-v1",
      preferred_username: undefined,
      upn: "bob@contoso.example",
    });
    const res = await call(await token(claims));
    expect(res.status).toBe(200);
    const { caller } = (await res.json()) as { caller: unknown };
    expect(caller).toMatchObject({ appId: "app-v1", upn: "bob@contoso.example" });
  });

  test("alg none: 401 invalid_token", async () => {
    const claims = delegatedClaims();
    const jwt = new UnsecuredJWT(claims).encode();
    issuedTokens.push(jwt);
    await expectInvalidToken(jwt);
  });

  test("HS256 signed with the public key as the secret: 401 invalid_token", async () => {
    const secret = new TextEncoder().encode(await exportSPKI(key1.publicKey));
    await expectInvalidToken(await token(delegatedClaims(), { kid: "k1", privateKey: secret }, "HS256"));
  });

  test.each(["RS512", "PS256"])(
    "%s signed with the right key: 401 invalid_token (RS256 only)",
    async (alg) => {
      const pkcs8 = await exportPKCS8(key1.privateKey);
      await expectInvalidToken(
        await token(delegatedClaims(), { kid: "k1", privateKey: await importPKCS8(pkcs8, alg) }, alg),
      );
    },
  );

  test.each([
    ["wrong audience", { aud: "api://someone-else" }],
    ["wrong issuer", { iss: "https://login.microsoftonline.com/99999999-2222-3333-4444-555555555555/v2.0" }],
    ["expired beyond the 60 s skew", { exp: Math.floor(Date.now() / 1000) - 120 }],
    ["nbf in the future", { nbf: Math.floor(Date.now() / 1000) + 3600 }],
    ["no exp", { exp: undefined }],
    ["no oid", { oid: undefined }],
  ])("%s: 401 invalid_token", async (_name, overrides) => {
    await expectInvalidToken(await token(delegatedClaims(overrides)));
  });

  test("expired within the 60 s skew: still 200", async () => {
    const res = await call(await token(delegatedClaims({ exp: Math.floor(Date.now() / 1000) - 30 })));
    expect(res.status).toBe(200);
  });

  test("unknown kid: 401 invalid_token", async () => {
    const stranger = await newSigningKey("k-unknown");
    await expectInvalidToken(await token(delegatedClaims(), stranger));
  });

  test("right kid, wrong key: 401 invalid_token", async () => {
    const impostor = await newSigningKey("k1");
    await expectInvalidToken(await token(delegatedClaims(), impostor));
  });

  test("tampered payload: 401 invalid_token", async () => {
    const [header, , signature] = (await token()).split(".");
    const forged = base64url.encode(
      JSON.stringify(delegatedClaims({ oid: "00000000-0000-0000-0000-0000000000ff" })),
    );
    const jwt = `${header}.${forged}.${signature}`;
    issuedTokens.push(jwt);
    await expectInvalidToken(jwt);
  });

  test("malformed bearer header: 401 invalid_token", async () => {
    const res = await fetch(`${app.url}/mcp`, { method: "POST", headers: { authorization: "Bearer" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  test("delegated token without a required scope: 403 insufficient_scope", async () => {
    const res = await call(await token(delegatedClaims({ scp: "Files.Read" })));
    expect(res.status).toBe(403);
    const challenge = res.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(
      /^Bearer error="insufficient_scope", scope="api:\/\/mcp-test\/user_impersonation"/,
    );
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      error: { code: -32003, message: expect.stringContaining("scope") },
      id: null,
    });
  });

  test("app-only token with the required role: 200", async () => {
    const claims = delegatedClaims({
      scp: undefined,
      name: undefined,
      preferred_username: undefined,
      roles: ["Mcp.Invoke"],
    });
    const res = await call(await token(claims));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { caller: unknown }).caller).toMatchObject({
      kind: "entra",
      roles: ["Mcp.Invoke"],
      scopes: [],
    });
  });

  test("app-only token without the required role: 403 insufficient_scope", async () => {
    const res = await call(await token(delegatedClaims({ scp: undefined, roles: ["Other.Role"] })));
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  test("a role does not stand in for a missing scope on a delegated token: 403", async () => {
    const res = await call(await token(delegatedClaims({ scp: "Files.Read", roles: ["Mcp.Invoke"] })));
    expect(res.status).toBe(403);
  });

  test("token in the query string: 401, even alongside a valid header", async () => {
    const jwt = await token();
    const onlyQuery = await fetch(`${app.url}/mcp?access_token=${jwt}`, { method: "POST" });
    expect(onlyQuery.status).toBe(401);
    expect(onlyQuery.headers.get("www-authenticate")).toContain('error="invalid_request"');
    const both = await fetch(`${app.url}/mcp?access_token=${jwt}`, {
      method: "POST",
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(both.status).toBe(401);
  });

  test("keys are fetched once, not per request", async () => {
    for (let i = 0; i < 5; i += 1) expect((await call(await token())).status).toBe(200);
    expect(jwks.fetches).toBe(1);
  });

  test("JWKS endpoint down after warm-up: cached keys keep working, also once they are stale", async () => {
    expect((await call(await token())).status).toBe(200);
    await jwks.stop();
    expect((await call(await token())).status).toBe(200);
    clock += REFRESH_AFTER_MS + COOLDOWN_MS;
    expect((await call(await token())).status).toBe(200); // triggers a background refresh that fails
    expect((await call(await token())).status).toBe(200);
    expect(await app.middleware.readiness.check()).toBe(true);
  });

  test("stale keys are refreshed in the background once the endpoint is back", async () => {
    expect((await call(await token())).status).toBe(200);
    clock += REFRESH_AFTER_MS;
    expect((await call(await token())).status).toBe(200);
    // The refresh runs in the background: poll generously, then assert (a failure shows the count).
    await eventually(() => jwks.fetches === 2, 20_000).catch(() => undefined);
    expect(jwks.fetches).toBe(2);
  });

  test("key rotation: a new kid is fetched once; unknown kids respect the cooldown", async () => {
    expect((await call(await token())).status).toBe(200);
    expect(jwks.fetches).toBe(1);
    const key2 = await newSigningKey("k2");
    jwks.setKeys([key1.jwk, key2.jwk]);

    // Within the cooldown the new kid cannot be fetched yet.
    await expectInvalidToken(await token(delegatedClaims(), key2));
    expect(jwks.fetches).toBe(1);

    clock += COOLDOWN_MS;
    const results = await Promise.all(
      [1, 2, 3].map(async () => (await call(await token(delegatedClaims(), key2))).status),
    );
    expect(results).toEqual([200, 200, 200]);
    expect(jwks.fetches).toBe(2);
    expect((await call(await token(delegatedClaims(), key2))).status).toBe(200);
    expect((await call(await token())).status).toBe(200);
    expect(jwks.fetches).toBe(2);

    const stranger = await newSigningKey("k3");
    clock += 1;
    await expectInvalidToken(await token(delegatedClaims(), stranger));
    await expectInvalidToken(await token(delegatedClaims(), stranger));
    expect(jwks.fetches).toBe(2);
    clock += COOLDOWN_MS;
    await expectInvalidToken(await token(delegatedClaims(), stranger));
    expect(jwks.fetches).toBe(3);
  });

  test("a verified token is trusted from cache until the cache age passes, then verified again", async () => {
    const oldToken = await token();
    expect((await call(oldToken)).status).toBe(200);
    // Entra withdraws k1 and publishes k2; an unknown kid after the cooldown makes us pick that up.
    const key2 = await newSigningKey("k2");
    jwks.setKeys([key2.jwk]);
    clock += COOLDOWN_MS;
    expect((await call(await token(delegatedClaims(), key2))).status).toBe(200);
    expect(jwks.fetches).toBe(2);

    expect((await call(oldToken)).status).toBe(200); // from cache: k1 is no longer known
    clock += CACHE_MAX_AGE_MS;
    await expectInvalidToken(oldToken);
  });

  test("a cached token does not vouch for a tampered copy", async () => {
    const jwt = await token();
    expect((await call(jwt)).status).toBe(200);
    const [header, , signature] = jwt.split(".");
    const forged = `${header}.${base64url.encode(JSON.stringify(delegatedClaims({ oid: "evil" })))}.${signature}`;
    issuedTokens.push(forged);
    await expectInvalidToken(forged);
  });

  test("readiness: not ready until keys are fetched; the check itself warms the cache", async () => {
    await jwks.stop();
    expect(await app.middleware.readiness.check()).toBe(false);
    await jwks.start();
    expect(await app.middleware.readiness.check()).toBe(false); // still cooling down after the failed fetch
    clock += COOLDOWN_MS;
    expect(await app.middleware.readiness.check()).toBe(true);
    expect(app.middleware.readiness.name).toBe("jwks");
    expect((await call(await token())).status).toBe(200);
    expect(jwks.fetches).toBe(1);
  });

  test("JWKS unreachable before any key was fetched: 503, not 401", async () => {
    await jwks.stop();
    const res = await call(await token());
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32000);
  });

  test("failures are logged with a reason and no token; successes with the caller id", async () => {
    await call(await token(delegatedClaims({ aud: "api://someone-else" })));
    await call(await token());
    const entries = app.logLines.map((l) => JSON.parse(l));
    expect(entries).toContainEqual(
      expect.objectContaining({ status: 401, reason: expect.stringContaining("aud") }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ callerId: "00000000-0000-0000-0000-0000000000a1" }),
    );
  });
});
