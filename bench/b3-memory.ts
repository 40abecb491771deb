import { ChildServer } from "./lib/child-server";
import { echoCall, MCP_HEADERS, runLoad } from "./lib/load";
import { startOurs } from "./lib/ours";
import { Figure, goalAtLeast, goalAtMost, reported } from "./lib/report";
import { largestGapMs, openMany, OpenStream, openSse } from "./lib/streams";

const REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const HEARTBEAT_SECONDS = 2;
const IDLE_SECONDS = 3 * HEARTBEAT_SECONDS;

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

async function openSession(base: string): Promise<string> {
  const response = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bench", version: "1" },
      },
    }),
  });
  await response.text();
  const sessionId = response.headers.get("mcp-session-id");
  if (!sessionId) throw new Error(`stateful initialize gave no session id (HTTP ${response.status})`);
  await fetch(`${base}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  }).then((r) => r.text());
  return sessionId;
}

/**
 * Opens STREAMS idle SSE streams (after `prepare`, whose memory counts too: a stream's session is part of
 * its cost), waits IDLE_SECONDS, and reports RSS per stream and whether every stream saw its heartbeats on
 * time (no gap longer than 1.5 heartbeat intervals).
 */
async function idleStreams(
  label: string,
  server: ChildServer,
  open: (i: number, prepared: string[]) => Promise<OpenStream>,
  prepare: () => Promise<string[]> = async () => [],
): Promise<Figure[]> {
  await settle(500);
  const before = server.rssBytes();
  const prepared = await prepare();
  const streams = await openMany(STREAMS, 50, (i) => open(i, prepared));
  const openedAt = Date.now();
  await settle(IDLE_SECONDS * 1000);
  const after = server.rssBytes();
  const until = Date.now();
  const late = streams.filter(
    (s) => largestGapMs(s.chunkTimes, openedAt, until) > HEARTBEAT_SECONDS * 1500,
  ).length;
  for (const stream of streams) stream.request.destroy();
  return [
    goalAtMost(
      "B3",
      `${label}: RSS per idle stream (${STREAMS} open)`,
      (after - before) / STREAMS / 1024,
      50,
      "KB",
    ),
    goalAtLeast("B3", `${label}: streams with heartbeats on time`, (STREAMS - late) / STREAMS, 1, "fraction"),
  ];
}

export async function runB3(): Promise<Figure[]> {
  const figures = await statelessGrowth();
  const env = {
    MCP_SSE_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
    MCP_MAX_CONNECTIONS: String(STREAMS + 100),
  };

  const legacy = await startOurs("ours-sse", env);
  try {
    figures.push(...(await idleStreams("legacy /sse", legacy, () => openSse(`${legacy.url}/sse`))));
  } finally {
    await legacy.stop();
  }

  const stateful = await startOurs("ours-stateful", { ...env, MCP_SESSION_MODE: "stateful" });
  try {
    figures.push(
      ...(await idleStreams(
        "stateful GET /mcp (session included)",
        stateful,
        (i, sessions) =>
          openSse(`${stateful.url}/mcp`, {
            "mcp-session-id": sessions[i],
            "mcp-protocol-version": "2025-06-18",
          }),
        () => openMany(STREAMS, 20, () => openSession(stateful.url)),
      )),
    );
  } finally {
    await stateful.stop();
  }
  figures.push(reported("B3", "idle streams per test", STREAMS, "streams"));
  return figures;
}
