import { connect } from "node:net";
import { once } from "node:events";
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
  type SigningKey,
} from "./support/tokens";

// The signing keys with the timings a deployment gets (no test overrides but the clock): how often an
// unknown kid may make the server fetch the tenant's keys, when cached keys are refreshed, what is logged.
const entra = (jwksUri: string) =>
  parseAuthConfig({
    AUTH_MODE: "entra",
    AZURE_TENANT_ID: TENANT_ID,
    MCP_AUDIENCE: `${APP_ID_URI},${CLIENT_ID}`,
    AUTH_JWKS_URI: jwksUri,
  });

let key: SigningKey;
let stranger: SigningKey;
let jwks: JwksServer;
let app: TestApp;
let clock: number;

beforeAll(async () => {
  key = await newSigningKey("k1");
  stranger = await newSigningKey("k-unknown");
});

beforeEach(async () => {
  clock = 1_000_000;
  jwks = new JwksServer([key.jwk]);
  await jwks.start();
  app = await startTestApp(entra(jwks.uri), {
    jwks: { now: () => clock },
    verifiedTokens: { now: () => clock },
  });
});

afterEach(async () => {
  await app.close();
  await jwks.stop();
});

let issued = 0;
/** A request with a token never sent before, so it is verified rather than found in the token cache. */
const call = async (signingKey: SigningKey = key, to: TestApp = app): Promise<Response> =>
  fetch(`${to.url}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await signToken(delegatedClaims({ jti: `t${issued++}` }), signingKey)}`,
    },
  });
const fetchFailures = () => app.logLines.filter((line) => line.includes('"msg":"JWKS fetch failed"'));

describe("signing keys with the default timings", () => {
  test("an unknown kid makes the server fetch the keys again only once 30 s have passed since the last fetch", async () => {
    expect((await call()).status).toBe(200);
    expect(jwks.fetches).toBe(1);
    clock += 29_999;
    expect((await call(stranger)).status).toBe(401);
    expect(jwks.fetches).toBe(1);
    clock += 1;
    expect((await call(stranger)).status).toBe(401);
    expect(jwks.fetches).toBe(2);
  });

  test("cached keys are refreshed in the background once they are 10 minutes old", async () => {
    expect((await call()).status).toBe(200);
    clock += 600_000;
    expect((await call()).status).toBe(200);
    await eventually(() => jwks.fetches === 2, 20_000).catch(() => undefined);
    expect(jwks.fetches).toBe(2);
  });

  test("a failed background fetch is logged with the endpoint and the error, never silently", async () => {
    expect((await call()).status).toBe(200);
    await jwks.stop();
    clock += 600_000;
    expect((await call()).status).toBe(200);
    await eventually(() => fetchFailures().length > 0, 20_000).catch(() => undefined);
    const [line] = fetchFailures().map(
      (l) => JSON.parse(l) as { err: string; jwksUri: string; level: number },
    );
    expect(line).toMatchObject({ jwksUri: jwks.uri, level: 40 });
    expect(line.err).toMatch(/^\w*Error: \S/);
  });

  test("a refresh answered HTTP 500 leaves the keys stale: logged, and tried again after the cooldown", async () => {
    expect((await call()).status).toBe(200);
    jwks.failWith = 500;
    clock += 600_000;
    expect((await call()).status).toBe(200);
    await eventually(() => fetchFailures().length > 0, 20_000).catch(() => undefined);
    expect(JSON.parse(fetchFailures()[0] ?? "{}")).toMatchObject({
      err: "JOSEError: Expected 200 OK from the JSON Web Key Set HTTP response",
      jwksUri: jwks.uri,
    });
    expect(jwks.fetches).toBe(2);
    clock += 30_000;
    expect((await call()).status).toBe(200);
    await eventually(() => jwks.fetches === 3, 20_000).catch(() => undefined);
    expect(jwks.fetches).toBe(3);
  });

  test("a fetch slower than the configured timeout is abandoned: 503 while no keys are cached", async () => {
    jwks.delayMs = 3_000;
    const impatient = await startTestApp(entra(jwks.uri), { jwks: { fetchTimeoutMs: 200 } });
    try {
      const response = await call(key, impatient);
      expect(response.status).toBe(503);
      const [line] = impatient.logLines.map((l) => JSON.parse(l) as { reason: string });
      expect(line.reason).toBe("ERR_JWKS_TIMEOUT: request timed out");
    } finally {
      await impatient.close();
    }
  });

  test("an endpoint answering HTTP 500 before any keys were cached: 503, and the log names the answer", async () => {
    jwks.failWith = 500;
    expect((await call()).status).toBe(503);
    const [line] = app.logLines.map((l) => JSON.parse(l) as { reason: string });
    expect(line.reason).toBe("ERR_JOSE_GENERIC: Expected 200 OK from the JSON Web Key Set HTTP response");
  });

  test("a fetch skipped because of the cooldown is not logged as a failure", async () => {
    await jwks.stop();
    expect(await app.middleware.readiness.check()).toBe(false);
    expect(fetchFailures()).toHaveLength(1);
    expect(await app.middleware.readiness.check()).toBe(false);
    expect(fetchFailures()).toHaveLength(1);
  });
});

describe("the verified-token cache", () => {
  test("a refused token takes no place in it, so refused tokens cannot push a verified one out", async () => {
    const small = await startTestApp(entra(jwks.uri), {
      jwks: { now: () => clock },
      verifiedTokens: { now: () => clock, maxEntries: 1, maxAgeMs: 3_600_000 },
    });
    try {
      const verified = { authorization: `Bearer ${await signToken(delegatedClaims({ jti: "kept" }), key)}` };
      const post = (headers: Record<string, string>) =>
        fetch(`${small.url}/mcp`, { method: "POST", headers });
      expect((await post(verified)).status).toBe(200);
      const refused = await signToken(delegatedClaims({ aud: "api://someone-else" }), key);
      expect((await post({ authorization: `Bearer ${refused}` })).status).toBe(401);
      const fetchesBefore = jwks.fetches;
      // Keys are now stale: a token verified in full would start a background refresh; one from the cache not.
      clock += 600_000;
      expect((await post(verified)).status).toBe(200);
      await eventually(() => jwks.fetches > fetchesBefore, 2_000).catch(() => undefined);
      expect(jwks.fetches).toBe(fetchesBefore);
    } finally {
      await small.close();
    }
  });
});

describe("what the auth layer answers besides the status", () => {
  test("a 503 (keys unavailable) asks to retry and has no challenge; a 401 has a challenge and no Retry-After", async () => {
    await jwks.stop();
    const unavailable = await call();
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("30");
    expect(unavailable.headers.has("www-authenticate")).toBe(false);
    const noToken = await fetch(`${app.url}/mcp`, { method: "POST" });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.has("retry-after")).toBe(false);
    expect(noToken.headers.get("www-authenticate")).toContain("resource_metadata=");
  });

  test("a request without a Host header is pointed at localhost's metadata", async () => {
    const { port } = new URL(app.url);
    const socket = connect(Number(port), "127.0.0.1");
    await once(socket, "connect");
    socket.end("POST /mcp HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
    let raw = "";
    for await (const chunk of socket) raw += String(chunk);
    expect(raw).toMatch(/^HTTP\/1\.[01] 401/);
    expect(raw).toContain(
      'WWW-Authenticate: Bearer resource_metadata="http://localhost/.well-known/oauth-protected-resource/mcp"',
    );
  });
});

describe("readiness without authentication", () => {
  test("AUTH_MODE=none depends on nothing, so it is always ready", async () => {
    const open = await startTestApp(parseAuthConfig({}));
    try {
      expect(open.middleware.readiness.name).toBe("auth");
      expect(await open.middleware.readiness.check()).toBe(true);
    } finally {
      await open.close();
    }
  });
});
