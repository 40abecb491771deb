import { modernHeaders, modernRequest } from "../support/modern";
import { eventually, INITIALIZE, MCP_HEADERS, RunningServer, startServer } from "../support/test-server";

const LEGACY_HEADERS = { ...MCP_HEADERS, "mcp-protocol-version": "2025-06-18" };
// Requests the hot path (hot-path.ts) leaves to the SDK entry, whose factory the pool serves.
const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });
const discover = (id: number) => modernRequest(id, "server/discover");
// A batch (allowed before 2025-06-18) is never hot either.
const BATCH_HEADERS = { ...MCP_HEADERS, "mcp-protocol-version": "2025-03-26" };

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
      expect(await post(modernHeaders("server/discover"), discover(id))).toContain('"result"');
      expect(await post(LEGACY_HEADERS, ping(id))).toContain('"result"');
    }
    expect(pool().built).toBe(2);
    await eventually(() => pool().idleCount("modern") === 1 && pool().idleCount("legacy") === 1);
  });

  it("drops an instance whose client went away while its call was running", async () => {
    await post(LEGACY_HEADERS, ping(1));
    await eventually(() => pool().idleCount("legacy") === 1);
    const abort = new AbortController();
    const call = { name: "wait_with_progress", arguments: { seconds: 60 } };
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: BATCH_HEADERS,
      signal: abort.signal,
      body: JSON.stringify([{ jsonrpc: "2.0", id: 2, method: "tools/call", params: call }]),
    });
    expect(pool().idleCount("legacy")).toBe(0);
    abort.abort();
    await response.text().catch(() => undefined);
    await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 0);
    // The abandoned instance never comes back: the next request builds a new one.
    await post(LEGACY_HEADERS, ping(3));
    expect(pool().built).toBe(2);
    await post(LEGACY_HEADERS, ping(4));
    expect(pool().built).toBe(2);
  });

  it("drops an instance that served initialize: a client's capabilities never reach another caller", async () => {
    await post(MCP_HEADERS, INITIALIZE);
    await post(LEGACY_HEADERS, ping(2));
    expect(pool().built).toBe(2);
    await eventually(() => pool().idleCount("legacy") === 1);
  });
});
