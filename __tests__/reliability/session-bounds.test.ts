import { postRpc, toolCall } from "../server/support/rpc-post";
import { INITIALIZE, RunningServer, startServer } from "../server/support/test-server";
import { ALICE, ALICE_AND_BOB, as } from "../server/support/callers";
import { closeIdleConnectionsOnlyFromTheClient } from "./support/idle-connections";
import { LIVELOCK_MS, withoutStall } from "./support/progress";

// A session flood and a long session stay within their bounds. The RSS figures are measured by bench B3 in
// a server process of its own (here jest shares the process).
const STATEFUL = {
  ...ALICE_AND_BOB,
  MCP_SESSION_MODE: "stateful",
  LOG_LEVEL: "warn",
};
const ALICE_HEADERS = as(ALICE);
// The per-caller bound of the flood (the default, a tenth of MCP_MAX_SESSIONS, is config.test.ts's); 30
// times as many initializes, 50 at a time, so the first wave alone already races past it.
const PER_CALLER = 20;
const FLOOD = 30 * PER_CALLER;

/** `run(0..total-1)`, `width` at a time; no time budget (a busy machine slows it), fails if answers stop. */
async function inBatches(total: number, width: number, run: (i: number) => Promise<void>): Promise<void> {
  let done = 0;
  const all = async (): Promise<void> => {
    for (let start = 0; start < total; start += width) {
      await Promise.all(
        Array.from({ length: Math.min(width, total - start) }, (_, k) => run(start + k).then(() => done++)),
      );
    }
  };
  await withoutStall(all(), () => done, `${total} requests, ${width} at a time`);
}

describe("session bounds under load", () => {
  let server: RunningServer;
  afterEach(() => server.close());

  it(
    `session flood: ${FLOOD} initialize calls from one caller, 50 at a time, open exactly MCP_MAX_SESSIONS_PER_CALLER=${PER_CALLER} sessions`,
    async () => {
      server = await startServer({ ...STATEFUL, MCP_MAX_SESSIONS_PER_CALLER: String(PER_CALLER) });
      closeIdleConnectionsOnlyFromTheClient(server);
      const statuses = new Map<number, number>();
      await inBatches(FLOOD, 50, async () => {
        const answer = await postRpc(server.mcpUrl, INITIALIZE, ALICE_HEADERS);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      });
      // Every initialize past the bound is a 429.
      expect(Object.fromEntries(statuses)).toEqual({ 200: PER_CALLER, 429: FLOOD - PER_CALLER });
      expect(server.app.mcp.sessionCounts().stateful).toBe(PER_CALLER);
    },
    LIVELOCK_MS,
  );

  it(
    "event-store byte bound: 1,500 replies of 9 KB in one session keep at most the per-session bytes",
    async () => {
      server = await startServer(STATEFUL);
      closeIdleConnectionsOnlyFromTheClient(server);
      const init = await postRpc(server.mcpUrl, INITIALIZE, ALICE_HEADERS);
      const session = {
        ...ALICE_HEADERS,
        "mcp-session-id": init.headers.get("mcp-session-id") as string,
        "mcp-protocol-version": "2025-06-18",
      };
      await postRpc(server.mcpUrl, { jsonrpc: "2.0", method: "notifications/initialized" }, session);
      const message = "r".repeat(9 * 1024);
      let answered = 0;
      await inBatches(1500, 20, async (i) => {
        const answer = await postRpc(server.mcpUrl, toolCall(i + 1, "echo", { message }), session);
        if (answer.status === 200) answered++;
      });
      const stored = server.app.mcp.storedEventBytes();
      expect(answered).toBe(1500);
      // The defaults: 2 MiB per session (1,500 x 9 KB would be 13.8 MB).
      expect(stored).toBeGreaterThan(1024 * 1024);
      expect(stored).toBeLessThanOrEqual(2 * 1024 * 1024);
    },
    LIVELOCK_MS,
  );
});
