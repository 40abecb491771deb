import { PROBE_DEFAULTS } from "../constructs/private/probes";
import { DEFAULT_MAX_JSON_OBJECT_KEYS, DEFAULT_MAX_JSON_VALUES } from "../server/config";
import { burstAllowance } from "../server/http/rate-limit";
import { ChildServer } from "./lib/child-server";
import { startOurs } from "./lib/ours";
import { Figure, goalAtMost, reported } from "./lib/report";
import { median } from "./lib/stats";

const RATE_LIMIT_PER_MINUTE = 600;
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 10);
/** A /healthz probe every this many ms during a flood. */
const PROBE_EVERY_MS = 100;
/** The shortest timeout of the probes McpContainerApp sets by default (readiness and startup: 3 s). */
const PROBE_TIMEOUT_MS =
  Math.min(...Object.values(PROBE_DEFAULTS).map((probe) => probe.timeoutSeconds)) * 1000;

/** McpContainerApp's default replica size, in vCPUs (its `cpu` prop). */
const REPLICA_VCPU = 0.5;

const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

const wideObject = (keys: number, prefix: string): string =>
  `{${Array.from({ length: keys }, (_, i) => `"${prefix}${i.toString(36)}":0`).join(",")}}`;
const ping = (meta: string): string => `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":${meta}}}`;

/** The costliest body the default limits accept: as many objects of the widest allowed kind as values allow. */
function worstAccepted(): string {
  const objects = Math.floor((DEFAULT_MAX_JSON_VALUES - 10) / (DEFAULT_MAX_JSON_OBJECT_KEYS + 1));
  const items = Array.from({ length: objects }, (_, i) => wideObject(DEFAULT_MAX_JSON_OBJECT_KEYS, `o${i}_`));
  return ping(`{"a":[${items.join(",")}]}`);
}

/** The reproduction: one object of 90,000 keys, under the 1 MB body limit. */
const NINETY_THOUSAND_KEYS = ping(wideObject(90_000, "k"));

interface FloodResult {
  readonly healthzMs: number[];
  readonly statuses: Map<number, number>;
  readonly serverCpuMsPerBody: number;
  readonly sent: number;
  /** Server CPU the flood asked for, per second of flood, in cores. */
  readonly coresUsed: number;
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function timedHealthz(server: ChildServer): Promise<number> {
  const started = performance.now();
  try {
    await (await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(30_000) })).text();
  } catch {
    return 30_000;
  }
  return performance.now() - started;
}

/**
 * POSTs `body` to /mcp at the per-caller rate limit (600 a minute plus the burst: 11 a second) for
 * FLOOD_SECONDS, never more than `maxInFlight` at once, while /healthz is probed every 100 ms. Waits for
 * what was sent to be answered (or 60 s), so the server CPU per body covers all of it.
 */
async function flood(server: ChildServer, body: string, maxInFlight: number): Promise<FloodResult> {
  const perSecond = (RATE_LIMIT_PER_MINUTE + burstAllowance(RATE_LIMIT_PER_MINUTE)) / 60;
  const statuses = new Map<number, number>();
  const healthzMs: number[] = [];
  const pending = new Set<Promise<void>>();
  const cpuBefore = server.cpuMs();
  const started = performance.now();
  let sent = 0;
  const probes = setInterval(() => {
    void timedHealthz(server).then((ms) => healthzMs.push(ms));
  }, PROBE_EVERY_MS);
  try {
    while (performance.now() - started < FLOOD_SECONDS * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * perSecond) + 1;
      if (sent < due && pending.size < maxInFlight) {
        sent++;
        const request: Promise<void> = fetch(`${server.url}/mcp`, { method: "POST", headers: HEADERS, body })
          .then(async (response) => {
            await response.text();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          })
          .catch(() => {
            statuses.set(0, (statuses.get(0) ?? 0) + 1);
          })
          .finally(() => pending.delete(request));
        pending.add(request);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, 60_000))]);
  } finally {
    clearInterval(probes);
  }
  const cpuMs = server.cpuMs() - cpuBefore;
  return {
    healthzMs,
    statuses,
    serverCpuMsPerBody: cpuMs / Math.max(1, sent),
    sent,
    coresUsed: cpuMs / (FLOOD_SECONDS * 1000),
  };
}

/**
 * B9: worst-case JSON bodies at the rate limit against /healthz (issue 21). Our bundle with its default
 * limits takes (a) the costliest body those limits accept and (b) the 90,000-key object, which the
 * raw-body scan refuses; the same bundle with the JSON limits lifted takes (b) as the same-run baseline,
 * the behaviour before the limits existed. Two margins per flood: /healthz's slowest answer against the
 * construct's shortest probe timeout, and the CPU the flood needs against the replica's default 0.5 vCPU
 * (the latency depends on how busy this machine is; the CPU demand much less).
 */
export async function runB9(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const bounded = await startOurs("ours", { MCP_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE) });
  try {
    const idle: number[] = [];
    for (let i = 0; i < 30; i++) idle.push(await timedHealthz(bounded));
    figures.push(reported("B9", "/healthz idle, median", median(idle), "ms"));
    const accepted = await flood(bounded, worstAccepted(), 32);
    const refused = await flood(bounded, NINETY_THOUSAND_KEYS, 32);
    for (const [name, result, expected] of [
      ["worst accepted body", accepted, 200],
      ["90,000-key body (refused)", refused, 400],
    ] as const) {
      if ((result.statuses.get(expected) ?? 0) === 0)
        throw new Error(`B9 ${name}: no ${expected} answer (${JSON.stringify([...result.statuses])})`);
      figures.push(
        reported("B9", `${name}: bodies sent`, result.sent, "bodies"),
        reported("B9", `${name}: server CPU per body`, result.serverCpuMsPerBody, "ms"),
        reported("B9", `${name}: /healthz p99 under flood`, percentile(result.healthzMs, 99), "ms"),
        goalAtMost(
          "B9",
          `${name}: /healthz max / shortest probe timeout (${PROBE_TIMEOUT_MS} ms)`,
          Math.max(...result.healthzMs) / PROBE_TIMEOUT_MS,
          0.5,
          "ratio",
        ),
        goalAtMost(
          "B9",
          `${name}: server CPU of the flood / replica vCPU (${REPLICA_VCPU})`,
          result.coresUsed / REPLICA_VCPU,
          0.5,
          "ratio",
        ),
      );
    }
  } finally {
    await bounded.stop();
  }
  const unbounded = await startOurs("ours, JSON limits lifted", {
    MCP_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
    MCP_MAX_JSON_VALUES: "10000000",
    MCP_MAX_JSON_OBJECT_KEYS: "1000000",
  });
  try {
    // At most 4 in flight: enough to show the queue, without minutes of CPU to drain afterwards.
    const baseline = await flood(unbounded, NINETY_THOUSAND_KEYS, 4);
    figures.push(
      reported("B9", "baseline, limits lifted, 90,000-key body: bodies sent", baseline.sent, "bodies"),
      reported("B9", "baseline: server CPU per body", baseline.serverCpuMsPerBody, "ms"),
      reported("B9", "baseline: /healthz p99 under flood", percentile(baseline.healthzMs, 99), "ms"),
      reported(
        "B9",
        `baseline: /healthz max / shortest probe timeout (${PROBE_TIMEOUT_MS} ms)`,
        Math.max(...baseline.healthzMs) / PROBE_TIMEOUT_MS,
        "ratio",
      ),
      reported(
        "B9",
        `baseline: server CPU per body at the rate limit / replica vCPU (${REPLICA_VCPU})`,
        (baseline.serverCpuMsPerBody * (RATE_LIMIT_PER_MINUTE + burstAllowance(RATE_LIMIT_PER_MINUTE))) /
          60_000 /
          REPLICA_VCPU,
        "ratio",
      ),
    );
  } finally {
    await unbounded.stop();
  }
  return figures;
}
