import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { JwksServer } from "../server/auth/support/jwks-server";
import {
  APP_ID_URI,
  delegatedClaims,
  newSigningKey,
  signToken,
  SigningKey,
  TENANT_ID,
} from "../server/auth/support/tokens";
import { RunningServer, startServer } from "../server/support/test-server";

/** The real server in entra mode, configured only by its environment, keys from the test JWKS endpoint. */
async function startEntraServer(jwks: JwksServer): Promise<RunningServer> {
  return startServer({
    AUTH_MODE: "entra",
    AZURE_TENANT_ID: TENANT_ID,
    MCP_AUDIENCE: APP_ID_URI,
    AUTH_JWKS_URI: jwks.uri,
    LOG_LEVEL: "warn",
  });
}

async function whoamiWith(server: RunningServer, token: string): Promise<unknown> {
  const client = new Client({ name: "fault", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  try {
    return (await client.callTool({ name: "whoami", arguments: {} })).structuredContent;
  } finally {
    await client.close();
  }
}

async function statusOf(url: string, token?: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
  await response.arrayBuffer();
  return response.status;
}

const userClaims = (oid: string) => delegatedClaims({ oid, jti: `jti-${oid}` });

describe("dependency fault: the JWKS endpoint goes down after warm-up", () => {
  let key: SigningKey;
  let jwks: JwksServer;
  let server: RunningServer | undefined;
  beforeAll(async () => {
    key = await newSigningKey("k1");
  });
  beforeEach(async () => {
    jwks = new JwksServer([key.jwk]);
    await jwks.start();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await jwks.stop();
  });

  it("keeps accepting valid tokens (even ones never seen before) and stays ready while a key is cached", async () => {
    server = await startEntraServer(jwks);
    const warmUpToken = await signToken(userClaims("00000000-0000-0000-0000-00000000000a"), key);
    expect(await whoamiWith(server, warmUpToken)).toMatchObject({
      id: "00000000-0000-0000-0000-00000000000a",
    });
    expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    expect(jwks.fetches).toBe(1);

    await jwks.stop();
    // The outage is real: the endpoint refuses connections.
    await expect(fetch(jwks.uri)).rejects.toThrow();

    // The warm-up token again (verified-token cache) and a NEW token signed by the cached key (full RSA check).
    expect(await whoamiWith(server, warmUpToken)).toMatchObject({
      id: "00000000-0000-0000-0000-00000000000a",
    });
    const newToken = await signToken(userClaims("00000000-0000-0000-0000-00000000000b"), key);
    expect(await whoamiWith(server, newToken)).toMatchObject({ id: "00000000-0000-0000-0000-00000000000b" });
    const ready = await fetch(`${server.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { jwks: "ok" } });

    // Validation did not turn into "accept anything": a token that claims kid k1 but was signed by another
    // key, and a request without a token, are still refused, and the outage made no fetch succeed.
    const forger = await newSigningKey("k1");
    const forged = await signToken(userClaims("00000000-0000-0000-0000-00000000000c"), forger);
    expect(await statusOf(server.mcpUrl.href, forged)).toBe(401);
    expect(await statusOf(server.mcpUrl.href)).toBe(401);
    expect(await statusOf(server.mcpUrl.href, newToken)).toBe(200);
    expect(jwks.fetches).toBe(1);
  });

  it("is not ready, and answers 503 rather than 401, when the endpoint is down before any key was cached", async () => {
    await jwks.stop();
    server = await startEntraServer(jwks);
    const ready = await fetch(`${server.base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "degraded", checks: { jwks: "failing" } });
    const token = await signToken(userClaims("00000000-0000-0000-0000-00000000000d"), key);
    expect(await statusOf(server.mcpUrl.href, token)).toBe(503);
  });
});
