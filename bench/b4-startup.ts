import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./lib/child-server";
import { BUNDLE, bundleBytes, shippedBytes } from "./lib/ours";
import { Figure, goalAtMost, reported } from "./lib/report";
import { median } from "./lib/stats";

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);
const ROOT = join(__dirname, "..");

/** A process to start and the path that answers once it is ready. */
interface Starter {
  readonly key: string;
  readonly args: readonly string[];
  readonly readyPath: string;
}

// The same bare baselines as B1, as plain JavaScript (a TypeScript loader would time itself): a raw
// node:http server and a bare express app, each ready when it answers.
const RAW_NODE = `require("node:http").createServer((q, s) => s.end("ok")).listen(+process.env.PORT, "127.0.0.1")`;
const BARE_EXPRESS =
  `const express = require(${JSON.stringify(join(ROOT, "node_modules", "express"))}); const app = express(); ` +
  `app.use(express.json()); app.get("/", (q, s) => s.send("ok")); app.listen(+process.env.PORT, "127.0.0.1")`;

/** How long a start took: wall-clock time, and the CPU time the process itself had used by then. */
interface StartTime {
  readonly wallMs: number;
  /**
   * From /proc/<pid>/schedstat (nanoseconds on a CPU). On a shared machine the wall-clock time is mostly
   * waiting for a core; the CPU time is the start's own work, and moves much less with the load.
   */
  readonly cpuMs: number;
}

const cpuMsOf = (pid: number | undefined): number =>
  Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;

/** Spawns `starter` and polls its ready path every 2 ms; measures spawn to the first 200. */
async function timeToReady(starter: Starter): Promise<StartTime> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...starter.args], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent" },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`${starter.key} exited with ${child.exitCode} before it was ready`);
      const status = await fetch(`http://127.0.0.1:${port}${starter.readyPath}`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200)
        return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: cpuMsOf(child.pid) };
      if (Number(process.hrtime.bigint() - started) > 20e9)
        throw new Error(`${starter.key}: not ready within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}

/**
 * B4: process start to /readyz 200 (median), beside the same bare baselines as B1 started the same way, in
 * alternating order; and the size of what the image ships. BENCH_BEFORE_BUNDLE adds another build's start.
 */
export async function runB4(): Promise<Figure[]> {
  const starters: Starter[] = [
    { key: "ours", args: [BUNDLE], readyPath: "/readyz" },
    { key: "raw-node", args: ["-e", RAW_NODE], readyPath: "/" },
    { key: "bare-express", args: ["-e", BARE_EXPRESS], readyPath: "/" },
  ];
  const before = process.env.BENCH_BEFORE_BUNDLE;
  if (before) starters.push({ key: "before", args: [before], readyPath: "/readyz" });
  const runs = new Map<string, StartTime[]>(starters.map((s) => [s.key, []]));
  for (const starter of starters) await timeToReady(starter); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    for (let j = 0; j < starters.length; j++) {
      const starter = starters[(i + j) % starters.length];
      runs.get(starter.key)!.push(await timeToReady(starter));
    }
  }
  const nodeBaseline: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    await new Promise((resolve) => spawn(process.execPath, ["-e", ""]).once("exit", resolve));
    nodeBaseline.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const ms = (key: string) => median(runs.get(key)!.map((run) => run.wallMs));
  const cpu = (key: string) => median(runs.get(key)!.map((run) => run.cpuMs));
  return [
    goalAtMost("B4", "start to /readyz 200 (median)", ms("ours"), 400, "ms"),
    reported("B4", "raw node:http start to its first answer (median)", ms("raw-node"), "ms"),
    reported("B4", "bare express start to its first answer (median)", ms("bare-express"), "ms"),
    ...(before ? [reported("B4", "before: start to /readyz 200 (median)", ms("before"), "ms")] : []),
    reported("B4", "CPU time to /readyz 200 (median)", cpu("ours"), "ms"),
    reported("B4", "raw node:http CPU time to its first answer (median)", cpu("raw-node"), "ms"),
    reported("B4", "bare express CPU time to its first answer (median)", cpu("bare-express"), "ms"),
    ...(before ? [reported("B4", "before: CPU time to /readyz 200 (median)", cpu("before"), "ms")] : []),
    reported("B4", "bare `node -e ''` start and exit (median, for scale)", median(nodeBaseline), "ms"),
    reported("B4", "dist/bundle/server.js (parsed at every start)", bundleBytes() / 1e6, "MB"),
    goalAtMost("B4", "everything the image ships (dist/bundle)", shippedBytes() / 1e6, 10, "MB"),
  ];
}
