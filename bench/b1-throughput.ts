import { ChildServer } from "./lib/child-server";
import { openEverythingSession } from "./lib/everything";
import { echoRequest, Era, LoadResult, MCP_HEADERS, runLoad } from "./lib/load";
import { Figure, goalAtLeast, reported } from "./lib/report";
import { median, ratio } from "./lib/stats";
import { startEverything, startTsTarget } from "./lib/targets";

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

export async function startB1Targets(ours: () => Promise<ChildServer>): Promise<Target[]> {
  const everything = await startEverything();
  const sessionId = await openEverythingSession(everything.url);
  const stock = await startTsTarget("stock-v2", "stock-v2.ts");
  // One server of ours answers both eras, as the stock handler does.
  const server = await ours();
  const targets: Target[] = [
    { key: "ours", server, headers: {} },
    { key: "ours-2026", server, headers: {}, era: "2026-07-28" },
    { key: "bare-express", server: await startTsTarget("bare-express", "bare-express.ts"), headers: {} },
    { key: "stock-v2-2025", server: stock, headers: {} },
    { key: "stock-v2-2026", server: stock, headers: {}, era: "2026-07-28" },
    { key: "tutorial", server: await startTsTarget("tutorial", "tutorial.ts"), headers: {} },
    { key: "server-everything", server: everything, headers: { "mcp-session-id": sessionId } },
  ];
  for (const target of targets) await checkEcho(target);
  return targets;
}

/** Runs every target for the same time per round, rotating the order each round (A B C D, B C D A, ...). */
export async function measureAlternating(
  targets: readonly Target[],
  rounds = ROUNDS,
  seconds = SECONDS,
): Promise<Map<string, LoadResult[]>> {
  const results = new Map<string, LoadResult[]>(targets.map((t) => [t.key, []]));
  for (const target of targets) {
    await runLoad({ url: `${target.server.url}/mcp`, ...requestFor(target), durationSeconds: 1 });
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[(i + round) % targets.length];
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
      results.get(target.key)!.push(result);
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
      figures.push(reported("B1", `${target.key} p50`, median(runs.map((r) => r.p50Ms)), "ms"));
      figures.push(reported("B1", `${target.key} p99`, median(runs.map((r) => r.p99Ms)), "ms"));
    }
    // Issue 11's goal: >= 0.7x bare express in both eras.
    figures.push(goalAtLeast("B1", "ours / bare express", ratio(rps("ours"), rps("bare-express")), 0.7));
    figures.push(
      goalAtLeast(
        "B1",
        "ours (2026-07-28 requests) / bare express",
        ratio(rps("ours-2026"), rps("bare-express")),
        0.7,
      ),
    );
    figures.push(goalAtLeast("B1", "ours / tutorial", ratio(rps("ours"), rps("tutorial")), 2.5));
    figures.push(
      reported("B1", "tutorial / bare express", ratio(rps("tutorial"), rps("bare-express")), "ratio"),
    );
    // The stock v2 handler is the anchor for issue 11's goal (>= 0.7x bare express in both eras).
    for (const era of ["2025", "2026"]) {
      const stockRps = rps(`stock-v2-${era}`);
      figures.push(
        reported(
          "B1",
          `stock v2 (${era} requests) / bare express`,
          ratio(stockRps, rps("bare-express")),
          "ratio",
        ),
      );
    }
    figures.push(
      reported("B1", "ours / stock v2 (2025 requests)", ratio(rps("ours"), rps("stock-v2-2025")), "ratio"),
    );
    figures.push(
      reported(
        "B1",
        "ours / stock v2 (2026-07-28 requests)",
        ratio(rps("ours-2026"), rps("stock-v2-2026")),
        "ratio",
      ),
    );
    figures.push(
      reported(
        "B1",
        "server-everything / bare express",
        ratio(rps("server-everything"), rps("bare-express")),
        "ratio",
      ),
    );
    return figures;
  } finally {
    await Promise.all([...new Set(targets.map((t) => t.server))].map((server) => server.stop()));
  }
}
