import { parseAuthConfig } from "../../../server/auth/config";
import { createFailedAuthThrottle } from "../../../server/auth/failed-auth-throttle";
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

// What a client is told (status, JSON-RPC message, challenge) and what the log records for each way an
// Entra token can be refused: the challenge is how a client learns what to do next, the log reason is how
// an operator learns why. With two required scopes and roles, so every list is shown as a list.
const SCOPES = `${APP_ID_URI}/user_impersonation ${APP_ID_URI}/Mcp.Use`;

const entra = (jwksUri: string) =>
  parseAuthConfig({
    AUTH_MODE: "entra",
    AZURE_TENANT_ID: TENANT_ID,
    MCP_AUDIENCE: `${APP_ID_URI},${CLIENT_ID}`,
    AUTH_JWKS_URI: jwksUri,
    MCP_REQUIRED_SCOPES: "user_impersonation,Mcp.Use",
    MCP_REQUIRED_ROLES: "Mcp.Invoke,Mcp.Admin",
  });

interface Answer {
  readonly status: number;
  readonly message: string | undefined;
  readonly challenge: string | null;
  readonly reason: string | undefined;
}

let key: SigningKey;
let jwks: JwksServer;
let app: TestApp;

beforeAll(async () => {
  key = await newSigningKey("k1");
});

beforeEach(async () => {
  jwks = new JwksServer([key.jwk]);
  await jwks.start();
  app = await startTestApp(entra(jwks.uri));
});

afterEach(async () => {
  await app.close();
  await jwks.stop();
});

const bearer = async (claims: Record<string, unknown> = {}) => ({
  authorization: `Bearer ${await signToken(delegatedClaims(claims), key)}`,
});

/** Sends one request and returns what the client saw and the reason the auth layer logged for it. */
async function answer(headers: Record<string, string>, path = "/mcp"): Promise<Answer> {
  const logged = app.logLines.length;
  const response = await fetch(`${app.url}${path}`, { method: "POST", headers });
  const body = (await response.json()) as { error?: { message: string } };
  const [line] = app.logLines.slice(logged).map((l) => JSON.parse(l) as { reason?: string });
  return {
    status: response.status,
    message: body.error?.message,
    challenge: response.headers.get("www-authenticate"),
    reason: line?.reason,
  };
}

describe("entra refusals: what the client is told and what the log says", () => {
  const metadata = () => `resource_metadata="${app.url}/.well-known/oauth-protected-resource/mcp"`;

  test("no token", async () => {
    expect(await answer({})).toEqual({
      status: 401,
      message: "Unauthorized: a bearer token is required",
      challenge: `Bearer ${metadata()}, scope="${SCOPES}"`,
      reason: "no bearer token",
    });
  });

  test("a token in the URL", async () => {
    expect(await answer(await bearer(), "/mcp?access_token=x")).toEqual({
      status: 401,
      message: "Unauthorized: send the token in the Authorization header, not the URL",
      challenge:
        `Bearer ${metadata()}, scope="${SCOPES}", error="invalid_request", ` +
        `error_description="send the token in the Authorization header, not the URL"`,
      reason: "credential in query parameter 'access_token'",
    });
  });

  test("a malformed Authorization header", async () => {
    expect(await answer({ authorization: "Bearer" })).toEqual({
      status: 401,
      message: "Unauthorized: malformed Authorization header",
      challenge: `Bearer ${metadata()}, scope="${SCOPES}", error="invalid_token", error_description="malformed Authorization header"`,
      reason: "malformed bearer header",
    });
  });

  test("a token for another audience", async () => {
    expect(await answer(await bearer({ aud: "api://someone-else" }))).toEqual({
      status: 401,
      message: "Unauthorized: the access token is invalid or expired",
      challenge: `Bearer ${metadata()}, scope="${SCOPES}", error="invalid_token", error_description="the access token is invalid or expired"`,
      reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "aud" claim value',
    });
  });

  test("a token without an object id", async () => {
    expect(await answer(await bearer({ oid: undefined }))).toMatchObject({
      status: 401,
      message: "Unauthorized: the access token is invalid or expired",
      reason: "token has no oid claim",
    });
  });

  test("a delegated token without any required scope", async () => {
    const reason = "delegated token lacks a required scope (user_impersonation, Mcp.Use)";
    expect(await answer(await bearer({ scp: "Files.Read" }))).toEqual({
      status: 403,
      message: `Forbidden: ${reason}`,
      challenge: `Bearer error="insufficient_scope", scope="${SCOPES}", ${metadata()}, error_description="${reason}"`,
      reason,
    });
  });

  test("an app-only token without any required role", async () => {
    const reason = "app-only token lacks a required role (Mcp.Invoke, Mcp.Admin)";
    expect(await answer(await bearer({ scp: undefined, roles: ["Reader"] }))).toEqual({
      status: 403,
      message: `Forbidden: ${reason}`,
      challenge: `Bearer error="insufficient_scope", scope="${SCOPES}", ${metadata()}, error_description="${reason}"`,
      reason,
    });
  });

  test("signing keys unreachable, then skipped during the cooldown", async () => {
    await jwks.stop();
    const unavailable = {
      status: 503,
      message: "Service unavailable: token signing keys could not be fetched",
      challenge: null,
    };
    expect(await answer(await bearer())).toEqual({
      ...unavailable,
      // "TypeError: fetch failed"; under jest fetch's error comes from another realm, so it is not
      // `instanceof Error` there and the reason is the generic one. Either way the log says something.
      reason: expect.stringMatching(/\S/),
    });
    expect(await answer(await bearer())).toEqual({
      ...unavailable,
      reason: "JwksCooldownError: JWKS fetch skipped: cooling down after the previous fetch",
    });
  });
});

describe("entra: the caller a verified token gives", () => {
  test("roles that are not strings are dropped, the string ones kept", async () => {
    const response = await fetch(`${app.url}/mcp`, {
      method: "POST",
      headers: await bearer({ scp: undefined, roles: [7, "Mcp.Admin", { role: "Mcp.Invoke" }, null] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { caller: { roles: unknown } }).caller.roles).toEqual(["Mcp.Admin"]);
  });

  test("the SDK's AuthInfo carries the token's scopes", async () => {
    const response = await fetch(`${app.url}/mcp`, {
      method: "POST",
      headers: await bearer({ scp: "openid Mcp.Use" }),
    });
    expect(((await response.json()) as { scopes: unknown }).scopes).toEqual(["openid", "Mcp.Use"]);
  });

  test("logs each outcome with the mode, the path and, when throttled, the 429", async () => {
    const throttled = await startTestApp(entra(jwks.uri), {
      failedAuthThrottle: createFailedAuthThrottle(1),
    });
    try {
      const forged = await newSigningKey("k1");
      const headers = { authorization: `Bearer ${await signToken(delegatedClaims(), forged)}` };
      // Requests without a credential are discovery, not failures: they never use up the limit.
      for (let i = 0; i < 3; i++)
        expect((await fetch(`${throttled.url}/sse`, { method: "POST" })).status).toBe(401);
      expect((await fetch(`${throttled.url}/mcp`, { method: "POST", headers })).status).toBe(401);
      expect((await fetch(`${throttled.url}/messages`, { method: "POST", headers })).status).toBe(429);
      expect((await fetch(`${throttled.url}/mcp`, { method: "POST", headers: await bearer() })).status).toBe(
        200,
      );
      const lines = throttled.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map(({ msg, authMode, status, path }) => ({ msg, authMode, status, path }))).toEqual([
        ...Array.from({ length: 3 }, () => ({
          msg: "request not authenticated",
          authMode: "entra",
          status: 401,
          path: expect.stringMatching(/^\/sse\/?$/),
        })),
        {
          msg: "request not authenticated",
          authMode: "entra",
          status: 401,
          path: expect.stringMatching(/^\/mcp\/?$/),
        },
        {
          msg: "request not authenticated",
          authMode: "entra",
          status: 429,
          path: expect.stringMatching(/^\/messages\/?$/),
        },
        { msg: "request authenticated", authMode: "entra", status: undefined, path: undefined },
      ]);
      expect(lines[5]).toMatchObject({
        callerId: "00000000-0000-0000-0000-0000000000a1",
        callerKind: "entra",
      });
    } finally {
      await throttled.close();
    }
  });
});
