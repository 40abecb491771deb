import { checkEcho, measureAlternating, Target } from "./b1-throughput";
import { ChildServer } from "./lib/child-server";
import { openEverythingSession } from "./lib/everything";
import { startOurs } from "./lib/ours";
import { Figure, goalAtLeast, reported } from "./lib/report";
import { echoCall, runLoad } from "./lib/load";
import { median, ratio } from "./lib/stats";
import { startEverything } from "./lib/targets";

/**
 * B7: front mode's cost. server-everything over Streamable HTTP called directly, and through our bundle
 * with MCP_UPSTREAM_URL pointing at the same process (a session of its own), in alternating rounds; then the
 * CPU time each process spends per relayed call. Goal: the front keeps at least 85 % of the direct throughput
 * on tools/call when it has as much CPU as the upstream, as each container in a Container Apps replica has its
 * own `cpu`: the front then relays upstream CPU per call / front CPU per call of what the upstream serves
 * directly (capped at 1). The throughput ratio on this machine is reported beside it: there the front, the
 * upstream and the load generator share the same cores, so the front's CPU comes out of the upstream's.
 */
export async function runB7(): Promise<Figure[]> {
  const everything = await startEverything();
  const sessionId = await openEverythingSession(everything.url);
  const targets: Target[] = [{ key: "direct", server: everything, headers: { "mcp-session-id": sessionId } }];
  try {
    // BENCH_BEFORE_BUNDLE: another build's front beside this one, in the same rounds.
    const fronts: Array<[string, string | undefined]> = [["front", undefined]];
    if (process.env.BENCH_BEFORE_BUNDLE) fronts.push(["before", process.env.BENCH_BEFORE_BUNDLE]);
    for (const [key, bundle] of fronts) {
      const front = await startOurs(key, { MCP_UPSTREAM_URL: `${everything.url}/mcp` }, bundle);
      // The front keeps a session to the caller that opened it through the front, so it opens its own.
      targets.push({
        key,
        server: front,
        headers: { "mcp-session-id": await openEverythingSession(front.url) },
      });
    }
    for (const target of targets) await checkEcho(target);
    const results = await measureAlternating(targets);
    const rps = (key: string) => median(results.get(key)!.map((r) => r.requestsPerSecond));
    const p50 = (key: string) => median(results.get(key)!.map((r) => r.p50Ms));
    const figures: Figure[] = [
      reported("B7", "server-everything direct throughput", rps("direct"), "req/s"),
      reported("B7", "server-everything direct p50", p50("direct"), "ms"),
    ];
    for (const target of targets.slice(1)) {
      const cpu = await cpuPerCall(target.server, everything, target.headers);
      const label = target.key === "front" ? "" : `${target.key}: `;
      figures.push(
        reported("B7", `${label}through the front throughput`, rps(target.key), "req/s"),
        reported("B7", `${label}through the front p50`, p50(target.key), "ms"),
        reported("B7", `${label}front CPU per call`, cpu.front, "us"),
        reported("B7", `${label}server-everything CPU per call (behind the front)`, cpu.upstream, "us"),
        target.key === "front"
          ? goalAtLeast(
              "B7",
              "front / direct at equal CPU (upstream CPU per call / front CPU per call)",
              ratio(cpu.upstream, cpu.front),
              0.85,
            )
          : reported(
              "B7",
              `${label}front / direct at equal CPU (upstream CPU per call / front CPU per call)`,
              ratio(cpu.upstream, cpu.front),
              "ratio",
            ),
        reported(
          "B7",
          `${label}front / direct throughput, front and upstream on the same shared cores`,
          ratio(rps(target.key), rps("direct")),
          "ratio",
        ),
      );
    }
    return figures;
  } finally {
    // `direct` is the server-everything process itself.
    await Promise.all(targets.map((t) => t.server.stop()));
  }
}

const CPU_CALLS = Number(process.env.BENCH_FRONT_CPU_CALLS ?? 5000);

/**
 * CPU time per tools/call of the front and of the upstream behind it, over a fixed number of calls: unlike
 * throughput on a shared machine, it does not depend on what else runs.
 */
async function cpuPerCall(
  front: ChildServer,
  upstream: ChildServer,
  headers: Record<string, string>,
): Promise<{ front: number; upstream: number }> {
  const [front0, upstream0] = [front.cpuMs(), upstream.cpuMs()];
  const result = await runLoad({ url: `${front.url}/mcp`, body: echoCall(), headers, amount: CPU_CALLS });
  if (result.errors || result.non2xx)
    throw new Error(`front: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return {
    front: ((front.cpuMs() - front0) * 1000) / CPU_CALLS,
    upstream: ((upstream.cpuMs() - upstream0) * 1000) / CPU_CALLS,
  };
}
