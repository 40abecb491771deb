import { modernHeaders, modernRequest } from "./support/modern";
import { MCP_HEADERS, RunningServer, startServer } from "./support/test-server";

const SECONDS = 3;
const WAIT = { name: "wait_with_progress", arguments: { seconds: SECONDS } };

interface Timed {
  readonly contentType: string | null;
  readonly body: string;
  /** How long after the headers the body ended. */
  readonly bodyAfterHeadersMs: number;
}

async function timedPost(url: URL, headers: Record<string, string>, body: unknown): Promise<Timed> {
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const headersAt = Date.now();
  const text = await response.text();
  return {
    contentType: response.headers.get("content-type"),
    body: text,
    bodyAfterHeadersMs: Date.now() - headersAt,
  };
}

// A call without a progress token emits nothing until its result: behind Azure's ingress (240 s idle cut)
// a long one died. After about a second it becomes an SSE response whose keepalives hold the connection.
describe("a call still running after about a second becomes SSE with keepalives", () => {
  let server: RunningServer;
  // The default heartbeat (25 s) is longer than the call: the head must not wait for the first keepalive.
  let quietServer: RunningServer;
  beforeAll(async () => {
    server = await startServer({ MCP_SSE_HEARTBEAT_SECONDS: "1" });
    quietServer = await startServer();
  });
  afterAll(async () => {
    await server.close();
    await quietServer.close();
  });

  it.each(["2026-07-28", "2025"] as const)(
    "%s era: the SSE head goes out before the first keepalive, while the call is running",
    async (era) => {
      const [headers, body] =
        era === "2026-07-28"
          ? [modernHeaders("tools/call", "wait_with_progress"), modernRequest(3, "tools/call", WAIT)]
          : [MCP_HEADERS, { jsonrpc: "2.0", id: 3, method: "tools/call", params: WAIT }];
      const answer = await timedPost(quietServer.mcpUrl, headers, body);
      expect(answer.contentType).toMatch(/^text\/event-stream/);
      expect(answer.bodyAfterHeadersMs).toBeGreaterThan(1000);
      expect(answer.body).not.toContain(": keepalive");
    },
  );

  it("in the 2026-07-28 era", async () => {
    const answer = await timedPost(
      server.mcpUrl,
      modernHeaders("tools/call", "wait_with_progress"),
      modernRequest(1, "tools/call", WAIT),
    );
    expect(answer.contentType).toMatch(/^text\/event-stream/);
    // The headers went out while the tool was still running, long before its result.
    expect(answer.bodyAfterHeadersMs).toBeGreaterThan(1000);
    expect(answer.body).toContain(": keepalive");
    expect(answer.body).toContain(`Waited ${SECONDS} seconds`);
  });

  it("in the 2025 era", async () => {
    const answer = await timedPost(
      server.mcpUrl,
      { ...MCP_HEADERS, "mcp-protocol-version": "2025-06-18" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: WAIT },
    );
    expect(answer.contentType).toMatch(/^text\/event-stream/);
    expect(answer.bodyAfterHeadersMs).toBeGreaterThan(1000);
    expect(answer.body).toContain(": keepalive");
    expect(answer.body).toContain(`Waited ${SECONDS} seconds`);
  });
});
