import { loadConfig } from "../../../server/config";
import { servesLegacySse } from "../../../server/create-app";
import { eventually, INITIALIZE, MCP_HEADERS, RunningServer, startServer } from "../support/test-server";

const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
const UPSTREAM = { MCP_UPSTREAM_URL: "http://127.0.0.1:9/mcp" };

function requestLine(server: RunningServer, method: string, status: number): Record<string, unknown> {
  const line = server
    .logLines()
    .find((l) => l.msg === "request" && l.method === method && l.status === status);
  if (!line) throw new Error(`no request line for ${method} ${status}`);
  return line;
}

describe("request log lines", () => {
  let server: RunningServer;
  afterEach(async () => server.close());

  it("a POST refused while draining is logged with its path, /mcp", async () => {
    server = await startServer();
    void server.app.mcp.lifecycle.drain(10_000);
    const refused = await fetch(server.mcpUrl, {
      method: "POST",
      headers: MCP_HEADERS,
      body: JSON.stringify(INITIALIZE),
    });
    expect(refused.status).toBe(503);
    await eventually(() => server.logLines().some((l) => l.msg === "request" && l.status === 503));
    expect(requestLine(server, "POST", 503)).toMatchObject({ path: "/mcp", level: 50 });
  });

  it("the 405 a 2025-era client's GET /mcp probe gets is info, another 405 stays warn", async () => {
    server = await startServer();
    expect((await fetch(server.mcpUrl, { headers: { accept: "text/event-stream" } })).status).toBe(405);
    expect((await fetch(server.mcpUrl, { method: "PUT" })).status).toBe(405);
    await eventually(() => server.logLines().filter((l) => l.status === 405).length === 2);
    expect(requestLine(server, "GET", 405)).toMatchObject({ path: "/mcp", level: 30 });
    expect(requestLine(server, "PUT", 405)).toMatchObject({ path: "/mcp", level: 40 });
  });
});

describe("legacy SSE in front mode", () => {
  it("is not served, whatever MCP_LEGACY_SSE says", () => {
    expect(servesLegacySse(loadConfig({}))).toBe(true);
    expect(servesLegacySse(loadConfig({ MCP_LEGACY_SSE: "false" }))).toBe(false);
    expect(servesLegacySse(loadConfig({ ...UPSTREAM, MCP_LEGACY_SSE: "true" }))).toBe(false);
  });

  it("publishes no protected resource metadata for /sse, which answers 404", async () => {
    const server = await startServer({
      ...UPSTREAM,
      AUTH_MODE: "entra",
      AZURE_TENANT_ID: TENANT_ID,
      MCP_AUDIENCE: `api://${CLIENT_ID},${CLIENT_ID}`,
    });
    try {
      expect((await fetch(`${server.base}/.well-known/oauth-protected-resource/mcp`)).status).toBe(200);
      expect((await fetch(`${server.base}/.well-known/oauth-protected-resource/sse`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
