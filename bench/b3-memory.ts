import { ChildServer } from "./lib/child-server";
import { echoCall, MCP_HEADERS, runLoad } from "./lib/load";
import { startOurs } from "./lib/ours";
import { Figure, goalAtLeast, goalAtMost, reported } from "./lib/report";
import { largestGapMs, openMany, OpenStream, openSse } from "./lib/streams";

const REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const HEARTBEAT_SECONDS = 2;
// Streams are measured idle: after 30 s, by when V8's memory reducer has collected what opening them left
// behind (it starts about 8 s after the allocation rate drops), against a baseline taken as long after the
// server started. The figure 6 s after opening, which still holds that garbage, is reported beside it.
const EARLY_SECONDS = 3 * HEARTBEAT_SECONDS;
const IDLE_SECONDS = 30;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS growth of the stateless server over REQUESTS echo calls, after a warm-up. */
async function statelessGrowth(): Promise<Figure[]> {
  const server = await startOurs("ours-memory");
  try {
    const url = `${server.url}/mcp`;
    await runLoad({ url, body: echoCall(), amount: 10_000 });
    await settle(1000);
    const before = server.rssBytes();
    const load = await runLoad({ url, body: echoCall(), amount: REQUESTS });
    if (load.errors || load.non2xx)
      throw new Error(`memory load: ${load.errors} errors, ${load.non2xx} non-2xx`);
    await settle(1000);
    const growthMb = (server.rssBytes() - before) / 1e6;
    return [goalAtMost("B3", `RSS growth over ${REQUESTS} stateless calls`, growthMb, 10, "MB")];
  } finally {
    await server.stop();
  }
}

const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "bench", version: "1" },
  },
});

async function openSession(base: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...headers },
    body: INITIALIZE_BODY,
  });
  await response.text();
  const sessionId = response.headers.get("mcp-session-id");
  if (!sessionId) throw new Error(`stateful initialize gave no session id (HTTP ${response.status})`);
  await fetch(`${base}/mcp`, {
    method: "POST",
    headers: {
      ...MCP_HEADERS,
      ...headers,
      "mcp-session-id": sessionId,
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  }).then((r) => r.text());
  return sessionId;
}

// Issue 12's figures. Two API-key callers: "warm" brings the server to a steady heap (as statelessGrowth's
// warm-up does), then "flood" is measured. The cold figure (no warm-up) is reported too: most of it is V8
// sizing its heap for any load, a stateless server grows as much.
const WARM_KEY = "warm-key-0123456789abcdef";
const FLOOD_KEY = "flood-key-0123456789abcdef";
const TWO_CALLERS = {
  MCP_SESSION_MODE: "stateful",
  AUTH_MODE: "apikey",
  MCP_API_KEYS: `warm:${WARM_KEY},flood:${FLOOD_KEY}`,
};
const mbSince = (server: ChildServer, before: number): number => (server.rssBytes() - before) / 1e6;

/** RSS growth over 3,000 initialize calls from one caller; the caps keep 100 sessions and answer 2,900 x 429. */
async function sessionFlood(): Promise<Figure[]> {
  const server = await startOurs("ours-session-flood", TWO_CALLERS);
  try {
    const flood = (key: string) =>
      runLoad({
        url: `${server.url}/mcp`,
        body: INITIALIZE_BODY,
        amount: 3000,
        connections: 20,
        headers: { "x-api-key": key },
      });
    await settle(1000);
    const cold = server.rssBytes();
    await flood(WARM_KEY);
    await settle(1000);
    const coldGrowth = mbSince(server, cold);
    const before = server.rssBytes();
    const measured = await flood(FLOOD_KEY);
    if (measured.errors) throw new Error(`session flood: ${measured.errors} errors`);
    await settle(1000);
    return [
      goalAtMost(
        "B3",
        "RSS growth over 3,000 initialize calls from one caller (stateful, warm)",
        mbSince(server, before),
        64,
        "MB",
      ),
      reported("B3", "same, first caller on a cold server", coldGrowth, "MB"),
      reported("B3", "session flood: initialize calls refused (429)", measured.non2xx, "requests"),
    ];
  } finally {
    await server.stop();
  }
}

/** RSS growth over 1,500 replies of 9 KB in one session (each stored for resumption, bounded in bytes). */
async function longSession(): Promise<Figure[]> {
  const server = await startOurs("ours-long-session", TWO_CALLERS);
  try {
    const replies = async (key: string, amount: number) => {
      const sessionId = await openSession(server.url, { "x-api-key": key });
      const load = await runLoad({
        url: `${server.url}/mcp`,
        body: echoCall("r".repeat(9 * 1024)),
        headers: { "mcp-session-id": sessionId, "x-api-key": key },
        amount,
        // One at a time: every request carries id 1, and ids must not repeat at once within a session.
        connections: 1,
      });
      if (load.errors || load.non2xx)
        throw new Error(`long session: ${load.errors} errors, ${load.non2xx} non-2xx`);
    };
    await settle(1000);
    const cold = server.rssBytes();
    await replies(WARM_KEY, 1500);
    await settle(1000);
    const coldGrowth = mbSince(server, cold);
    const before = server.rssBytes();
    await replies(FLOOD_KEY, 1500);
    await settle(1000);
    return [
      goalAtMost(
        "B3",
        "RSS growth over 1,500 replies of 9 KB in one session (warm)",
        mbSince(server, before),
        48,
        "MB",
      ),
      reported("B3", "same, first session on a cold server", coldGrowth, "MB"),
    ];
  } finally {
    await server.stop();
  }
}

/**
 * Opens STREAMS idle SSE streams (after `prepare`, whose memory counts too: a stream's session is part of
 * its cost), waits IDLE_SECONDS, and reports RSS per stream (also at EARLY_SECONDS) and whether every stream
 * saw its heartbeats on time all along (no gap longer than 1.5 heartbeat intervals).
 */
async function idleStreams(
  label: string,
  server: ChildServer,
  open: (i: number, prepared: string[]) => Promise<OpenStream>,
  prepare: () => Promise<string[]> = async () => [],
): Promise<Figure[]> {
  // The baseline settles as long as the streams do: start-up leaves garbage that the memory reducer collects
  // within that time, which would otherwise come off the streams' figure.
  await settle(IDLE_SECONDS * 1000);
  const before = server.rssBytes();
  const prepared = await prepare();
  const streams = await openMany(STREAMS, 50, (i) => open(i, prepared));
  const openedAt = Date.now();
  await settle(EARLY_SECONDS * 1000);
  const early = server.rssBytes();
  await settle(openedAt + IDLE_SECONDS * 1000 - Date.now());
  const after = server.rssBytes();
  const until = Date.now();
  const late = streams.filter(
    (s) => largestGapMs(s.chunkTimes, openedAt, until) > HEARTBEAT_SECONDS * 1500,
  ).length;
  for (const stream of streams) stream.request.destroy();
  return [
    goalAtMost(
      "B3",
      `${label}: RSS per idle stream (${STREAMS} open, ${IDLE_SECONDS} s idle)`,
      (after - before) / STREAMS / 1024,
      50,
      "KB",
    ),
    reported(
      "B3",
      `${label}: same, ${EARLY_SECONDS} s after opening`,
      (early - before) / STREAMS / 1024,
      "KB",
    ),
    goalAtLeast("B3", `${label}: streams with heartbeats on time`, (STREAMS - late) / STREAMS, 1, "fraction"),
  ];
}

/** STREAMS stateful sessions, each initialized (initialize, notifications/initialized) with its GET stream open. */
async function statefulIdleStreams(
  label: string,
  env: Record<string, string>,
  bundle?: string,
): Promise<Figure[]> {
  const stateful = await startOurs("ours-stateful", { ...env, MCP_SESSION_MODE: "stateful" }, bundle);
  try {
    return await idleStreams(
      label,
      stateful,
      (i, sessions) =>
        openSse(`${stateful.url}/mcp`, {
          "mcp-session-id": sessions[i],
          "mcp-protocol-version": "2025-06-18",
        }),
      () => openMany(STREAMS, 20, () => openSession(stateful.url)),
    );
  } finally {
    await stateful.stop();
  }
}

export async function runB3(): Promise<Figure[]> {
  const figures = [...(await statelessGrowth()), ...(await sessionFlood()), ...(await longSession())];
  // Every stream comes from one address here, so the per-caller caps are lifted to the totals.
  const env = {
    MCP_SSE_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
    MCP_MAX_CONNECTIONS: String(STREAMS + 100),
    MCP_MAX_CONNECTIONS_PER_CALLER: String(STREAMS + 100),
    MCP_MAX_SESSIONS: String(STREAMS + 100),
    MCP_MAX_SESSIONS_PER_CALLER: String(STREAMS + 100),
  };

  const legacy = await startOurs("ours-sse", env);
  try {
    figures.push(...(await idleStreams("legacy /sse", legacy, () => openSse(`${legacy.url}/sse`))));
  } finally {
    await legacy.stop();
  }

  figures.push(...(await statefulIdleStreams("stateful GET /mcp (session included)", env)));
  // BENCH_BEFORE_BUNDLE: the same streams on another build, for a before/after in one run.
  const before = process.env.BENCH_BEFORE_BUNDLE;
  if (before)
    figures.push(...(await statefulIdleStreams("before: stateful GET /mcp (session included)", env, before)));
  figures.push(reported("B3", "idle streams per test", STREAMS, "streams"));
  return figures;
}
