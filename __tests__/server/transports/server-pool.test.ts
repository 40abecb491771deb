import { modernHeaders, modernRequest } from "../support/modern";
import { eventually, INITIALIZE, MCP_HEADERS, RunningServer, startServer } from "../support/test-server";

const LEGACY_HEADERS = { ...MCP_HEADERS, "mcp-protocol-version": "2025-06-18" };
const echo = { name: "echo", arguments: { message: "pooled" } };

describe("the server pool behind createMcpHandler", () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  const pool = () => server.app.mcp.endpoint!.pool;
  const post = async (headers: Record<string, string>, body: unknown): Promise<string> =>
    (await fetch(server.mcpUrl, { method: "POST", headers, body: JSON.stringify(body) })).text();

  it("reuses an answered instance for the next request of the same era, one pool per era", async () => {
    for (let id = 1; id <= 5; id++) {
      expect(
        await post(modernHeaders("tools/call", "echo"), modernRequest(id, "tools/call", echo)),
      ).toContain("pooled");
      expect(
        await post(LEGACY_HEADERS, { jsonrpc: "2.0", id, method: "tools/call", params: echo }),
      ).toContain("pooled");
    }
    expect(pool().built).toBe(2);
    await eventually(() => pool().idleCount("modern") === 1 && pool().idleCount("legacy") === 1);
  });

  it("drops an instance whose client went away while its call was running", async () => {
    await post(LEGACY_HEADERS, { jsonrpc: "2.0", id: 1, method: "tools/call", params: echo });
    await eventually(() => pool().idleCount("legacy") === 1);
    const abort = new AbortController();
    const call = { name: "wait_with_progress", arguments: { seconds: 60 } };
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: LEGACY_HEADERS,
      signal: abort.signal,
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: call }),
    });
    expect(pool().idleCount("legacy")).toBe(0);
    abort.abort();
    await response.text().catch(() => undefined);
    await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 0);
    // The abandoned instance never comes back: the next request builds a new one.
    await post(LEGACY_HEADERS, { jsonrpc: "2.0", id: 3, method: "tools/call", params: echo });
    expect(pool().built).toBe(2);
    await post(LEGACY_HEADERS, { jsonrpc: "2.0", id: 4, method: "tools/call", params: echo });
    expect(pool().built).toBe(2);
  });

  it("drops an instance that served initialize: a client's capabilities never reach another caller", async () => {
    await post(MCP_HEADERS, INITIALIZE);
    await post(LEGACY_HEADERS, { jsonrpc: "2.0", id: 2, method: "tools/call", params: echo });
    expect(pool().built).toBe(2);
    await eventually(() => pool().idleCount("legacy") === 1);
  });
});
