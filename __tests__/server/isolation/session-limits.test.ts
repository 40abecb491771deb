import { postRpc, resultText, toolCall } from "../support/rpc-post";
import { eventually, INITIALIZE, RunningServer, startServer } from "../support/test-server";
import { ALICE, ALICE_AND_BOB, BOB, as } from "../support/callers";

// Stateful sessions are bounded per caller and in total, expire when idle, and their stored events are
// bounded in bytes.
const STATEFUL = {
  ...ALICE_AND_BOB,
  MCP_SESSION_MODE: "stateful",
};

async function initialize(server: RunningServer, key: string) {
  const answer = await postRpc(server.mcpUrl, INITIALIZE, as(key));
  return { ...answer, sessionId: answer.headers.get("mcp-session-id") ?? undefined };
}

function inSession(key: string, sessionId: string) {
  return { ...as(key), "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" };
}

describe("session caps", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ ...STATEFUL, MCP_MAX_SESSIONS: "3", MCP_MAX_SESSIONS_PER_CALLER: "2" });
  });
  afterAll(() => server.close());

  it("answers 429 beyond a caller's cap and 503 beyond the replica's, each with Retry-After; DELETE frees a place", async () => {
    const alice = [await initialize(server, ALICE), await initialize(server, ALICE)];
    expect(alice.map((a) => a.status)).toEqual([200, 200]);

    const aliceThird = await initialize(server, ALICE);
    expect(aliceThird.status).toBe(429);
    expect(Number(aliceThird.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(aliceThird.messages[0]).toMatchObject({
      error: { message: expect.stringMatching(/MCP_MAX_SESSIONS_PER_CALLER=2/) },
    });
    expect(aliceThird.sessionId).toBeUndefined();

    // Alice's cap leaves room for Bob, up to the replica's total.
    expect((await initialize(server, BOB)).status).toBe(200);
    const bobSecond = await initialize(server, BOB);
    expect(bobSecond.status).toBe(503);
    expect(Number(bobSecond.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(bobSecond.messages[0]).toMatchObject({
      error: { message: expect.stringMatching(/3 sessions are open on this replica \(MCP_MAX_SESSIONS=3\)/) },
    });
    expect(server.app.mcp.sessionCounts().stateful).toBe(3);

    const ended = await fetch(server.mcpUrl, {
      method: "DELETE",
      headers: inSession(ALICE, alice[0].sessionId as string),
    });
    expect(ended.status).toBe(200);
    await eventually(() => server.app.mcp.sessionCounts().stateful === 2);
    expect((await initialize(server, BOB)).status).toBe(200);
  });
});

describe("idle expiry", () => {
  it("closes a session idle for MCP_SESSION_IDLE_SECONDS and gives its caller the place back", async () => {
    const server = await startServer(
      { ...STATEFUL, MCP_MAX_SESSIONS_PER_CALLER: "1" },
      { config: { sessionIdleMs: 300 } },
    );
    try {
      const first = await initialize(server, ALICE);
      expect(first.status).toBe(200);
      expect((await initialize(server, ALICE)).status).toBe(429);
      await eventually(() => server.app.mcp.sessionCounts().stateful === 0);
      const gone = await postRpc(
        server.mcpUrl,
        { jsonrpc: "2.0", id: 2, method: "ping" },
        inSession(ALICE, first.sessionId as string),
      );
      expect(gone.status).toBe(404);
      expect((await initialize(server, ALICE)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe("stored event bytes", () => {
  const PER_SESSION = 40_000;
  const TOTAL = 60_000;
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(STATEFUL, {
      config: {
        eventStoreMaxBytesPerSession: PER_SESSION,
        eventStoreMaxBytesTotal: TOTAL,
      },
    });
  });
  afterAll(() => server.close());

  it("keeps each session's events under its byte bound and all sessions' under the total", async () => {
    const message = "m".repeat(9 * 1024);
    const sessions = [await initialize(server, ALICE), await initialize(server, BOB)];
    for (const [index, key] of [ALICE, BOB].entries()) {
      const sessionId = sessions[index].sessionId as string;
      await postRpc(
        server.mcpUrl,
        { jsonrpc: "2.0", method: "notifications/initialized" },
        inSession(key, sessionId),
      );
      for (let id = 1; id <= 10; id++) {
        const answer = await postRpc(
          server.mcpUrl,
          toolCall(id, "echo", { message }),
          inSession(key, sessionId),
        );
        expect(resultText(answer.messages.find((m) => m.id === id))).toBe(message);
      }
      // 10 replies of 9 KB were stored for resumption; only what fits the bounds is kept.
      expect(server.app.mcp.storedEventBytes()).toBeGreaterThan(9 * 1024);
      expect(server.app.mcp.storedEventBytes()).toBeLessThanOrEqual(index === 0 ? PER_SESSION : TOTAL);
    }
  });
});
