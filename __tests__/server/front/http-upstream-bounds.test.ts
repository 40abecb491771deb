import type { ServerResponse } from "node:http";
import { UpstreamSessions } from "../../../server/front/upstream-sessions";
import { DRAIN_ABORT_ERROR } from "../../../server/lifecycle";
import { postRpc, toolCall } from "../support/rpc-post";
import { eventually, INITIALIZE, RunningServer, startServer } from "../support/test-server";
import { RecordingUpstream, startRecordingUpstream } from "./support/upstreams";

const KEYS = {
  alice: "alice-key-0123456789abcdef",
  bob: "bob-key-0123456789abcdefgh",
  carol: "carol-key-0123456789abcdef",
};
const as = (caller: keyof typeof KEYS) => ({ "x-api-key": KEYS[caller] });
const API_KEYS = Object.entries(KEYS)
  .map(([label, key]) => `${label}:${key}`)
  .join(",");

/** An upstream that answers tools/call of `silent` never, or opens an SSE stream with one progress event. */
function scriptedUpstream(body: string, res: ServerResponse): void {
  const message = JSON.parse(body) as { id?: number; method?: string; params?: { name?: string } };
  if (message.params?.name === "silent") return;
  if (message.params?.name === "progress-then-silent") {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const progress = {
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: "t", progress: 1 },
    };
    res.write(`event: message\ndata: ${JSON.stringify(progress)}\n\n`);
    return;
  }
  res.writeHead(202).end();
}

describe("HTTP front: every call that ends early gets a JSON-RPC error", () => {
  let upstream: RecordingUpstream;
  let front: RunningServer;
  beforeEach(async () => {
    upstream = await startRecordingUpstream(scriptedUpstream);
    front = await startServer({ MCP_UPSTREAM_URL: upstream.url });
  });
  afterEach(async () => {
    await front.close();
    await upstream.close();
  });

  it("a call still waiting for its answer when the drain's grace period ends", async () => {
    const pending = postRpc(front.mcpUrl, toolCall(3, "silent", {}));
    await eventually(() => front.app.mcp.lifecycle.requestsInFlight === 1);
    expect(await front.app.mcp.lifecycle.drain(100)).toBe(false);
    const answer = await pending;
    expect(answer.messages).toEqual([expect.objectContaining({ id: 3, error: { ...DRAIN_ABORT_ERROR } })]);
  });

  it("a call whose SSE stream is open when the drain's grace period ends", async () => {
    const pending = postRpc(front.mcpUrl, toolCall(4, "progress-then-silent", {}, "t"));
    await eventually(() => front.app.mcp.lifecycle.requestsInFlight === 1);
    await eventually(() => upstream.requests.length === 1);
    expect(await front.app.mcp.lifecycle.drain(300)).toBe(false);
    const answer = await pending;
    expect(answer.messages).toEqual([
      expect.objectContaining({ method: "notifications/progress" }),
      expect.objectContaining({ id: 4, error: { ...DRAIN_ABORT_ERROR } }),
    ]);
  });

  it("a call the client cancels from another POST", async () => {
    const pending = postRpc(front.mcpUrl, toolCall(5, "silent", {}));
    await eventually(() => front.app.mcp.lifecycle.requestsInFlight === 1);
    const cancel = {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 5, reason: "user stop" },
    };
    expect((await postRpc(front.mcpUrl, cancel)).status).toBe(202);
    expect((await pending).messages).toEqual([
      expect.objectContaining({
        id: 5,
        error: expect.objectContaining({ message: "Request cancelled: user stop" }),
      }),
    ]);
  });

  it("a batch that cancels one of its own requests closes, answering each request", async () => {
    const answer = await postRpc(
      front.mcpUrl,
      [
        toolCall(6, "silent", {}),
        {
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: 6, reason: "changed my mind" },
        },
      ],
      { "mcp-protocol-version": "2025-03-26" },
    );
    expect(answer.messages).toEqual([
      expect.objectContaining({
        id: 6,
        error: expect.objectContaining({ message: "Request cancelled: changed my mind" }),
      }),
    ]);
    expect(front.app.mcp.lifecycle.requestsInFlight).toBe(0);
  });
});

describe("HTTP front: upstream sessions are bounded per caller", () => {
  let upstream: RecordingUpstream;
  let front: RunningServer;
  let issued = 0;
  beforeEach(async () => {
    // A 2025-era upstream: each initialize opens a session of its own, any known session id is served.
    upstream = await startRecordingUpstream((body, res) => {
      const id = (JSON.parse(body) as { id?: number }).id ?? null;
      const isInitialize = body.includes('"initialize"');
      res.writeHead(200, {
        "content-type": "application/json",
        ...(isInitialize ? { "mcp-session-id": `s-${++issued}` } : {}),
      });
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result: {} }));
    });
    front = await startServer({
      MCP_UPSTREAM_URL: upstream.url,
      AUTH_MODE: "apikey",
      MCP_API_KEYS: API_KEYS,
      MCP_MAX_SESSIONS: "3",
      MCP_MAX_SESSIONS_PER_CALLER: "2",
      MCP_RATE_LIMIT_PER_MINUTE: "0",
    });
  });
  afterEach(async () => {
    await front.close();
    await upstream.close();
  });

  const initialize = async (caller: keyof typeof KEYS) => {
    const answer = await postRpc(front.mcpUrl, INITIALIZE, as(caller));
    return { status: answer.status, session: answer.headers.get("mcp-session-id") ?? "", answer };
  };
  const ping = async (caller: keyof typeof KEYS, session: string) =>
    (
      await postRpc(
        front.mcpUrl,
        { jsonrpc: "2.0", id: 2, method: "ping" },
        {
          ...as(caller),
          "mcp-session-id": session,
          "mcp-protocol-version": "2025-06-18",
        },
      )
    ).status;

  it("a caller past MCP_MAX_SESSIONS_PER_CALLER gives up its own oldest session, never another's", async () => {
    const alice = await initialize("alice");
    const bobs = [await initialize("bob"), await initialize("bob"), await initialize("bob")];
    expect(await ping("bob", bobs[0].session)).toBe(404);
    expect(await ping("bob", bobs[1].session)).toBe(200);
    expect(await ping("bob", bobs[2].session)).toBe(200);
    expect(await ping("alice", alice.session)).toBe(200);
  });

  it("refuses a new caller with 503 when MCP_MAX_SESSIONS live sessions are others', before the upstream sees it", async () => {
    const alice = await initialize("alice");
    await initialize("bob");
    await initialize("bob");
    const before = upstream.requests.length;
    const carol = await initialize("carol");
    expect(carol.status).toBe(503);
    expect(carol.answer.headers.get("retry-after")).toBe("10");
    expect(carol.answer.messages[0]).toMatchObject({ error: { message: /MCP_MAX_SESSIONS=3/ } });
    expect(upstream.requests).toHaveLength(before);
    // Alice, who has one, may replace it by another.
    expect((await initialize("alice")).status).toBe(200);
    expect(await ping("alice", alice.session)).toBe(404);
  });
});

describe("UpstreamSessions", () => {
  it("keeps Alice's session through any number of Bob's", () => {
    const sessions = new UpstreamSessions({ maxSessions: 10_000, maxSessionsPerCaller: 100, idleMs: 60_000 });
    sessions.record("alice-1", "apikey:alice");
    for (let i = 0; i < 10_001; i++) sessions.record(`bob-${i}`, "apikey:bob");
    expect(sessions.allows("alice-1", "apikey:alice")).toBe(true);
    expect(sessions.size).toBe(101);
  });

  it("forgets a session unused for idleMs", () => {
    let now = 0;
    const sessions = new UpstreamSessions(
      { maxSessions: 10, maxSessionsPerCaller: 5, idleMs: 1000 },
      () => now,
    );
    sessions.record("a", "apikey:alice");
    now = 999;
    expect(sessions.allows("a", "apikey:alice")).toBe(true);
    now = 1998;
    expect(sessions.allows("a", "apikey:alice")).toBe(true);
    now = 3000;
    expect(sessions.allows("a", "apikey:alice")).toBe(false);
  });
});
