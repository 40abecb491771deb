import { readdirSync } from "node:fs";
import { request, IncomingMessage } from "node:http";
import { RunningServer, startServer } from "../server/support/test-server";
import { LIVELOCK_MS, untilDone, withoutStall } from "./support/progress";

const CLIENTS = 200;
const ROUNDS = 3;
// Descriptors the process may hold beyond its baseline for reasons of its own (a DNS or log handle, a lazily
// opened file). A leak of even a tenth of one round's clients exceeds it; a real leak is thousands.
const FD_SLACK = CLIENTS / 10;

/** Open descriptors of this process (the server runs in it, and so do the test's own client sockets). */
const openFds = (): number => readdirSync("/proc/self/fd").length;

/** GET /sse, read until the endpoint event names the session's POST URL; the caller drops the stream. */
function openSse(base: string): Promise<{ response: IncomingMessage; endpoint: string; drop: () => void }> {
  return new Promise((resolve, reject) => {
    // agent: false: a socket of its own, closed with the request, never parked in a keep-alive pool.
    const req = request(
      `${base}/sse`,
      { agent: false, headers: { accept: "text/event-stream" } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET /sse answered ${response.statusCode}`));
          req.destroy();
          return;
        }
        let text = "";
        const onData = (chunk: Buffer): void => {
          text += chunk.toString("utf8");
          const endpoint = /event: endpoint\ndata: (\S+)\n\n/.exec(text)?.[1];
          if (endpoint === undefined) return;
          response.off("data", onData);
          response.resume();
          resolve({ response, endpoint, drop: () => req.destroy() });
        };
        response.on("data", onData);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** A ping posted into the session: proves the session is live server-side before it is dropped. */
function postPing(base: string, endpoint: string, id: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ jsonrpc: "2.0", id, method: "ping" });
    const req = request(
      new URL(endpoint, base),
      { method: "POST", agent: false, headers: { "content-type": "application/json" } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("churn: 200 legacy SSE clients open and drop their streams, round after round", () => {
  let server: RunningServer;
  beforeAll(async () => {
    // One anonymous caller sends everything here; the per-caller limiter has its own tests.
    // One address stands in for 200 clients here, so the per-caller cap (a tenth of 1000) is lifted.
    server = await startServer({
      LOG_LEVEL: "warn",
      MCP_RATE_LIMIT_PER_MINUTE: "0",
      MCP_MAX_CONNECTIONS_PER_CALLER: "1000",
    });
  });
  afterAll(() => server.close());

  const counts = () => ({
    openConnections: server.app.mcp.lifecycle.openConnections,
    legacySseSessions: server.app.mcp.sessionCounts().legacySse,
    requestsInFlight: server.app.mcp.lifecycle.requestsInFlight,
  });
  const NOTHING_OPEN = { openConnections: 0, legacySseSessions: 0, requestsInFlight: 0 };

  /**
   * Waits while the counts keep falling (however slowly a busy machine closes things), then asserts nothing
   * is open, so a leak (counts that stop above 0) fails with the numbers, not a timeout.
   */
  async function expectNothingOpen(): Promise<void> {
    await untilDone(() => JSON.stringify(counts()) === JSON.stringify(NOTHING_OPEN), counts, "closing").catch(
      () => undefined,
    );
    expect(counts()).toEqual(NOTHING_OPEN);
  }

  /** One round; returns the descriptor count while all its streams were open. */
  async function round(index: number): Promise<number> {
    let opened = 0;
    const streams = await withoutStall(
      Promise.all(
        Array.from({ length: CLIENTS }, () => openSse(server.base).then((stream) => (opened++, stream))),
      ),
      () => opened,
      `round ${index}: opening ${CLIENTS} streams`,
    );
    const fdsWhileOpen = openFds();
    expect(server.app.mcp.sessionCounts().legacySse).toBe(CLIENTS);
    expect(server.app.mcp.lifecycle.openConnections).toBe(CLIENTS);
    // Every other client uses its session first (a request answered over its stream), then all drop at once.
    const statuses = await Promise.all(
      streams
        .filter((_, i) => i % 2 === 0)
        .map((s, i) => postPing(server.base, s.endpoint, index * 1000 + i)),
    );
    expect(new Set(statuses)).toEqual(new Set([202]));
    for (const stream of streams) stream.drop();
    await expectNothingOpen();
    return fdsWhileOpen;
  }

  it(
    "returns the open-connection count to 0 and the process's descriptors to their starting level",
    async () => {
      // Warm-up round: lazily loaded modules, the pool's first sockets and timers are not a leak.
      await round(0);
      const baseline = openFds();

      for (let r = 1; r <= ROUNDS; r++) {
        // The count must see the sockets at all: both ends of 200 connections are open mid-round.
        expect(await round(r)).toBeGreaterThanOrEqual(baseline + 2 * CLIENTS);
      }

      await expectNothingOpen();
      // Closed sockets leave /proc/self/fd as the server sees each client's FIN; wait while the count falls.
      let lowest = openFds();
      await untilDone(
        () => openFds() <= baseline + FD_SLACK,
        () => (lowest = Math.min(lowest, openFds())),
        "descriptors",
      ).catch(() => undefined);
      expect(openFds()).toBeLessThanOrEqual(baseline + FD_SLACK);
    },
    LIVELOCK_MS,
  );
});
