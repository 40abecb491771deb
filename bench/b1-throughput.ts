import { ChildServer } from "./lib/child-server";
import { echoRequest, Era, LoadResult, MCP_HEADERS, runLoad } from "./lib/load";
import { startOurs } from "./lib/ours";
import { Figure, goalAtLeast, reported } from "./lib/report";
import { median, ratio } from "./lib/stats";
import { startTsTarget } from "./lib/targets";

export interface Target {
  readonly key: string;
  readonly server: ChildServer;
  readonly headers: Record<string, string>;
  readonly connectionHeaders?: (connection: number) => Record<string, string>;
  /** The requests this target gets. @default "2025" */
  readonly era?: Era;
}

/** The echo request for `target`: its era's body and headers, then the target's own headers. */
function requestFor(target: Target, message?: string): { body: string; headers: Record<string, string> } {
  const request = echoRequest(target.era ?? "2025", message);
  return { body: request.body, headers: { ...request.headers, ...target.headers } };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

/** Fails loudly when a target does not really answer the echo call, so a fast wrong answer never counts. */
export async function checkEcho(target: Target): Promise<void> {
  const request = requestFor(target, "check-4711");
  const response = await fetch(`${target.server.url}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...request.headers, ...target.connectionHeaders?.(0) },
    body: request.body,
  });
  const text = await response.text();
  if (response.status !== 200 || !text.includes("check-4711")) {
    throw new Error(`${target.key} did not echo: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
}

/**
 * B1's targets, each in its own process: the raw node:http and bare express echo ceilings, the stock v2 SDK
 * handler and our bundle, each measured with 2025-era and with 2026-07-28 requests.
 */
export async function startB1Targets(ours: () => Promise<ChildServer>): Promise<Target[]> {
  const raw = await startTsTarget("raw-node", "raw-node.ts");
  const bare = await startTsTarget("bare-express", "bare-express.ts");
  const stock = await startTsTarget("stock-v2", "stock-v2.ts");
  // One server of ours answers both eras, as the stock handler does.
  const server = await ours();
  const beforeBundle = process.env.BENCH_BEFORE_BUNDLE;
  const before = beforeBundle ? await startOurs("before", {}, beforeBundle) : undefined;
  const targets: Target[] = [];
  for (const era of ["2025", "2026-07-28"] as const) {
    const suffix = era === "2025" ? "2025" : "2026";
    targets.push(
      { key: `raw-node-${suffix}`, server: raw, headers: {}, era },
      { key: `bare-express-${suffix}`, server: bare, headers: {}, era },
      { key: `stock-v2-${suffix}`, server: stock, headers: {}, era },
      { key: `ours-${suffix}`, server, headers: {}, era },
    );
    if (before) targets.push({ key: `before-${suffix}`, server: before, headers: {}, era });
  }
  for (const target of targets) await checkEcho(target);
  return targets;
}

/** One round of one target: the load's figures and the target process's CPU time per answered call. */
export interface MeasuredRound extends LoadResult {
  readonly cpuUsPerCall: number;
}

/** Runs every target for the same time per round, rotating the order each round (A B C D, B C D A, ...). */
export async function measureAlternating(
  targets: readonly Target[],
  rounds = ROUNDS,
  seconds = SECONDS,
): Promise<Map<string, MeasuredRound[]>> {
  const results = new Map<string, MeasuredRound[]>(targets.map((t) => [t.key, []]));
  for (const target of targets) {
    await runLoad({ url: `${target.server.url}/mcp`, ...requestFor(target), durationSeconds: 1 });
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(i + round) % targets.length];
      const cpuBefore = target.server.cpuMs();
      const result = await runLoad({
        url: `${target.server.url}/mcp`,
        ...requestFor(target),
        connectionHeaders: target.connectionHeaders,
        durationSeconds: seconds,
      });
      if (result.errors || result.non2xx) {
        throw new Error(
          `${target.key}: ${result.errors} errors, ${result.non2xx} non-2xx of ${result.total}`,
        );
      }
      const cpuUsPerCall = ((target.server.cpuMs() - cpuBefore) * 1000) / result.total;
      results.get(target.key)!.push({ ...result, cpuUsPerCall });
    }
  }
  return results;
}

export async function runB1(ours: () => Promise<ChildServer>): Promise<Figure[]> {
  const targets = await startB1Targets(ours);
  try {
    const results = await measureAlternating(targets);
    const rps = (key: string) => median(results.get(key)!.map((r) => r.requestsPerSecond));
    const figures: Figure[] = [];
    for (const target of targets) {
      const runs = results.get(target.key)!;
      figures.push(reported("B1", `${target.key} throughput`, rps(target.key), "req/s"));
      figures.push(
        reported("B1", `${target.key} CPU per call`, median(runs.map((r) => r.cpuUsPerCall)), "us"),
      );
      figures.push(reported("B1", `${target.key} p50`, median(runs.map((r) => r.p50Ms)), "ms"));
      figures.push(reported("B1", `${target.key} p99`, median(runs.map((r) => r.p99Ms)), "ms"));
    }
    // Issue 23's goals, per era: >= 0.5x bare express and >= 2x the stock v2 handler, same-era requests.
    for (const era of ["2025", "2026"]) {
      const label = era === "2025" ? "2025 requests" : "2026-07-28 requests";
      figures.push(
        goalAtLeast(
          "B1",
          `ours / bare express (${label})`,
          ratio(rps(`ours-${era}`), rps(`bare-express-${era}`)),
          0.5,
        ),
        goalAtLeast("B1", `ours / stock v2 (${label})`, ratio(rps(`ours-${era}`), rps(`stock-v2-${era}`)), 2),
        reported(
          "B1",
          `stock v2 / bare express (${label})`,
          ratio(rps(`stock-v2-${era}`), rps(`bare-express-${era}`)),
          "ratio",
        ),
        reported(
          "B1",
          `bare express / raw node (${label})`,
          ratio(rps(`bare-express-${era}`), rps(`raw-node-${era}`)),
          "ratio",
        ),
      );
    }
    return figures;
  } finally {
    await Promise.all([...new Set(targets.map((t) => t.server))].map((server) => server.stop()));
  }
}
