import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernStreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { JwksServer } from "./auth/support/jwks-server";
import {
  APP_ID_URI,
  CLIENT_ID,
  delegatedClaims,
  newSigningKey,
  signToken,
  TENANT_ID,
  V2_ISSUER,
  type SigningKey,
  DELEGATED_CALLER,
} from "./auth/support/tokens";
import { modernHeaders, modernRequest } from "./support/modern";
import { INITIALIZE, MCP_HEADERS, RunningServer, startServer } from "./support/test-server";

// The whole server as main.ts builds it: createApp(loadConfig(env)) takes its auth layer from AUTH_MODE.

async function connect(server: RunningServer, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: "wired-auth", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(server.mcpUrl, { requestInit: { headers } }));
  return client;
}

/** The v2 client negotiating the era: against this server it lands on 2026-07-28. */
async function connectModern(server: RunningServer, headers: Record<string, string>): Promise<ModernClient> {
  const client = new ModernClient({ name: "modern", version: "1" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(new ModernStreamableHTTPClientTransport(server.mcpUrl, { requestInit: { headers } }));
  expect(client.getProtocolEra()).toBe("modern");
  return client;
}

function postModernEcho(server: RunningServer, headers: Record<string, string> = {}): Promise<Response> {
  const body = modernRequest(1, "tools/call", { name: "echo", arguments: { message: "m" } });
  return fetch(server.mcpUrl, {
    method: "POST",
    headers: { ...modernHeaders("tools/call", "echo"), ...headers },
    body: JSON.stringify(body),
  });
}

function initialize(
  server: RunningServer,
  headers: Record<string, string> = {},
  query = "",
): Promise<Response> {
  return fetch(`${server.mcpUrl.href}${query}`, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...headers },
    body: JSON.stringify(INITIALIZE),
  });
}

describe("createApp with AUTH_MODE=entra", () => {
  let key: SigningKey;
  let jwks: JwksServer;
  let server: RunningServer;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    key = await newSigningKey("k1");
    jwks = new JwksServer([key.jwk]);
    await jwks.start();
    server = await startServer({
      AUTH_MODE: "entra",
      AZURE_TENANT_ID: TENANT_ID,
      MCP_AUDIENCE: `${APP_ID_URI},${CLIENT_ID}`,
      AUTH_JWKS_URI: jwks.uri,
      LOG_LEVEL: "debug",
    });
  });
  afterAll(async () => {
    await server.close();
    await jwks.stop();
  });

  it("answers a call without a token with 401 and a challenge that points to the metadata and scope", async () => {
    const res = await initialize(server);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${server.base}/.well-known/oauth-protected-resource/mcp", ` +
        `scope="${APP_ID_URI}/user_impersonation"`,
    );
    expect(await res.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32001 }, id: null });
  });

  it("answers a 2026-07-28 request without a token 401 with the same challenge", async () => {
    const response = await postModernEcho(server);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain(
      `resource_metadata="${server.base}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32001 }, id: null });
  });

  it("lets the auto-negotiating v2 client in on 2026-07-28 with a valid token; whoami sees the caller", async () => {
    const token = await signToken(delegatedClaims(), key);
    const client = await connectModern(server, bearer(token));
    try {
      const result = await client.callTool({ name: "whoami", arguments: {} });
      expect(result.structuredContent).toEqual(DELEGATED_CALLER);
      expect(JSON.stringify(result)).not.toContain(token);
    } finally {
      await client.close();
    }
  });

  it("serves a valid v2 token: initialize, tools/list and whoami with the validated identity, never the token", async () => {
    const token = await signToken(delegatedClaims(), key);
    const client = await connect(server, bearer(token));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("whoami");
      const result = await client.callTool({ name: "whoami", arguments: {} });
      expect(result.structuredContent).toEqual(DELEGATED_CALLER);
      expect(JSON.stringify(result)).not.toContain(token);
    } finally {
      await client.close();
    }
    const whoamiLine = server
      .logLines()
      .find((line) => line.msg === "request" && line.tool === "whoami" && line.status === 200);
    expect(whoamiLine?.callerId).toBe("00000000-0000-0000-0000-0000000000a1");
    const everything = server.logLines().map((line) => JSON.stringify(line));
    expect(everything.filter((line) => line.includes(token))).toEqual([]);
    // Headers are logged, but only allow-listed ones: the Authorization header never appears.
    expect(whoamiLine?.headers).toHaveProperty("content-type");
    expect(whoamiLine?.headers).not.toHaveProperty("authorization");
  });

  it("serves an app-only token carrying the required role", async () => {
    const claims = delegatedClaims({
      scp: undefined,
      name: undefined,
      preferred_username: undefined,
      roles: ["Mcp.Invoke"],
    });
    const res = await initialize(server, bearer(await signToken(claims, key)));
    expect(res.status).toBe(200);
  });

  it("refuses a delegated token without a required scope with 403 insufficient_scope", async () => {
    const res = await initialize(
      server,
      bearer(await signToken(delegatedClaims({ scp: "Files.Read" }), key)),
    );
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toMatch(
      /^Bearer error="insufficient_scope", scope="api:\/\//,
    );
    expect(await res.json()).toMatchObject({ error: { code: -32003 } });
  });

  it("refuses a token in the query string with 401, even a valid one", async () => {
    const token = await signToken(delegatedClaims(), key);
    const res = await initialize(server, {}, `?access_token=${token}`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_request"');
  });

  it("refuses a token signed by another key with 401 invalid_token", async () => {
    const stranger = await newSigningKey("k1");
    const res = await initialize(server, bearer(await signToken(delegatedClaims(), stranger)));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it.each(["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"])(
    "serves the protected resource metadata at %s without auth",
    async (path) => {
      const res = await fetch(`${server.base}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        resource: `${server.base}/mcp`,
        authorization_servers: [V2_ISSUER],
        scopes_supported: [`${APP_ID_URI}/user_impersonation`],
        bearer_methods_supported: ["header"],
        resource_name: "cdktf-azure-mcp",
      });
    },
  );

  it("leaves /healthz open", async () => {
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
  });
});

describe("/readyz with AUTH_MODE=entra", () => {
  it("is degraded until the signing keys are fetched, then ready, and stays ready when the JWKS goes down", async () => {
    const key = await newSigningKey("k1");
    const jwks = new JwksServer([key.jwk]);
    await jwks.start(); // to learn a port
    await jwks.stop();
    const server = await startServer(
      {
        AUTH_MODE: "entra",
        AZURE_TENANT_ID: TENANT_ID,
        MCP_AUDIENCE: APP_ID_URI,
        AUTH_JWKS_URI: jwks.uri,
      },
      { appOptions: { auth: { jwks: { cooldownMs: 0 } } } },
    );
    try {
      const before = await fetch(`${server.base}/readyz`);
      expect(before.status).toBe(503);
      expect(await before.json()).toEqual({ status: "degraded", checks: { jwks: "failing" } });

      await jwks.start();
      const warm = await fetch(`${server.base}/readyz`);
      expect(warm.status).toBe(200);
      expect(await warm.json()).toEqual({ status: "ready", checks: { jwks: "ok" } });
      expect(jwks.fetches).toBe(1);

      await jwks.stop();
      expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
      const res = await initialize(server, {
        authorization: `Bearer ${await signToken(delegatedClaims(), key)}`,
      });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
      await jwks.stop();
    }
  });
});

describe("createApp with AUTH_MODE=apikey", () => {
  const CI_KEY = "ci-key-0123456789abcdef";
  const OLD_KEY = "old-key-0123456789abcdef";
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({
      AUTH_MODE: "apikey",
      MCP_API_KEYS: `ci:${CI_KEY},old:${OLD_KEY}`,
      LOG_LEVEL: "debug",
    });
  });
  afterAll(() => server.close());

  it.each([
    ["api-key", { "api-key": CI_KEY }, "ci"],
    ["x-api-key", { "x-api-key": OLD_KEY }, "old"],
    ["Authorization: Bearer", { authorization: `Bearer ${CI_KEY}` }, "ci"],
  ])("accepts the key in %s and whoami names its label", async (_form, headers, label) => {
    const client = await connect(server, headers);
    try {
      const result = await client.callTool({ name: "whoami", arguments: {} });
      expect(result.structuredContent).toEqual({
        kind: "apikey",
        id: label,
        name: label,
        apiKeyLabel: label,
        scopes: [],
        roles: [],
      });
    } finally {
      await client.close();
    }
  });

  it("guards 2026-07-28 requests the same way: 401 without a key, whoami names the label", async () => {
    expect((await postModernEcho(server)).status).toBe(401);
    const client = await connectModern(server, { "api-key": CI_KEY });
    try {
      const result = await client.callTool({ name: "whoami", arguments: {} });
      expect(result.structuredContent).toMatchObject({ kind: "apikey", id: "ci", apiKeyLabel: "ci" });
    } finally {
      await client.close();
    }
  });

  it("guards the legacy SSE transport the same way", async () => {
    expect((await fetch(`${server.base}/sse`)).status).toBe(401);
    const client = new Client({ name: "wired-auth-sse", version: "1.0.0" });
    await client.connect(
      new SSEClientTransport(new URL(`${server.base}/sse`), {
        requestInit: { headers: { "api-key": OLD_KEY } },
      }),
    );
    try {
      const result = await client.callTool({ name: "whoami", arguments: {} });
      expect(result.structuredContent).toMatchObject({ kind: "apikey", id: "old" });
    } finally {
      await client.close();
    }
  });

  it("refuses a wrong key and a missing key with 401", async () => {
    expect((await initialize(server, { "x-api-key": "wrong-key-0123456789abcdef" })).status).toBe(401);
    expect((await initialize(server)).status).toBe(401);
  });

  it("serves no protected resource metadata: there is no authorization server to discover", async () => {
    expect((await fetch(`${server.base}/.well-known/oauth-protected-resource/mcp`)).status).toBe(404);
  });

  it("logs the caller's label and never a key", async () => {
    await initialize(server, { "api-key": CI_KEY });
    await initialize(server, { authorization: "Bearer wrong-key-0123456789abcdef" });
    const lines = server.logLines().map((line) => JSON.stringify(line));
    expect(lines.filter((line) => line.includes(CI_KEY) || line.includes(OLD_KEY))).toEqual([]);
    expect(lines.filter((line) => line.includes("wrong-key"))).toEqual([]);
    expect(server.logLines().some((line) => line.msg === "request" && line.callerId === "ci")).toBe(true);
  });
});
