import { McpServer } from "@modelcontextprotocol/server";
import { modernHeaders, modernRequest } from "./support/modern";
import { eventually, jsonRpcMessagesOf, RunningServer, startServer } from "./support/test-server";

// What the server guaranteed for 2025-era clients holds for 2026-07-28 requests too: the checks run at the
// HTTP layer, in front of the SDK's era classification. (Auth in the 2026-07-28 era: create-app-auth.test.ts.)

const echo = (id: number): Record<string, unknown> =>
  modernRequest(id, "tools/call", { name: "echo", arguments: { message: "m" } });

function post(server: RunningServer, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.mcpUrl, {
    method: "POST",
    headers: { ...modernHeaders("tools/call", "echo"), ...headers },
    body: JSON.stringify(body),
  });
}

describe("2026-07-28 requests and the per-caller rate limit", () => {
  const KEY = "modern-key-0123456789abcdef";
  const calls = { count: 0 };
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(
      { AUTH_MODE: "apikey", MCP_API_KEYS: `ci:${KEY}`, MCP_RATE_LIMIT_PER_MINUTE: "3" },
      {
        deps: {
          extraTools: [
            (mcp: McpServer) =>
              mcp.registerTool("count", {}, async () => ({
                content: [{ type: "text", text: String(++calls.count) }],
              })),
          ],
        },
      },
    );
  });
  afterAll(() => server.close());

  it("rate-limits the caller with 429 and a JSON-RPC error, running no tool once over", async () => {
    const statuses: number[] = [];
    for (let id = 10; id < 20; id++) {
      const body = modernRequest(id, "tools/call", { name: "count", arguments: {} });
      const response = await post(server, body, { ...modernHeaders("tools/call", "count"), "api-key": KEY });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: expect.any(Number) } });
      } else await response.text();
    }
    expect(statuses).toContain(429);
    expect(calls.count).toBeLessThan(statuses.length);
    expect(statuses.filter((status) => status === 200).length).toBe(calls.count);
  });
});

describe("2026-07-28 requests at the HTTP layer (AUTH_MODE=none)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ MCP_ALLOWED_ORIGINS: "https://app.example.com", MCP_MAX_CONNECTIONS: "1" });
  });
  afterAll(() => server.close());

  it("refuses a foreign Origin with 403 and serves a listed one", async () => {
    expect((await post(server, echo(1), { origin: "https://evil.example" })).status).toBe(403);
    const response = await post(server, echo(2), { origin: "https://app.example.com" });
    expect(response.status).toBe(200);
    await response.text();
  });

  it("logs the JSON-RPC method and tool name of each request", async () => {
    await (await post(server, echo(3), { "x-request-id": "modern-log-1" })).text();
    await eventually(() => server.logLines().some((line) => line.requestId === "modern-log-1"));
    expect(server.logLines().find((line) => line.requestId === "modern-log-1")).toMatchObject({
      rpcMethod: "tools/call",
      tool: "echo",
      status: 200,
    });
  });

  it("answers 503 beyond MCP_MAX_CONNECTIONS", async () => {
    const long = post(
      server,
      modernRequest(4, "tools/call", { name: "wait_with_progress", arguments: { seconds: 1 } }),
      modernHeaders("tools/call", "wait_with_progress"),
    );
    await eventually(() => server.app.mcp.lifecycle.openConnections === 1);
    const refused = await post(server, echo(5));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 }, id: null });
    expect((await jsonRpcMessagesOf(await long)).at(-1)).toMatchObject({ id: 4, result: {} });
  });
});
