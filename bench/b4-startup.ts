import { spawn } from "node:child_process";
import { freePort } from "./lib/child-server";
import { BUNDLE, bundleBytes, shippedBytes } from "./lib/ours";
import { Figure, goalAtMost, reported } from "./lib/report";
import { median } from "./lib/stats";

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 10);

/** Spawns the shipped bundle and polls /readyz every 2 ms; returns ms from spawn to the first 200. */
async function timeToReady(): Promise<number> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [BUNDLE], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent" },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`server exited with ${child.exitCode} before it was ready`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return Number(process.hrtime.bigint() - started) / 1e6;
      if (Number(process.hrtime.bigint() - started) > 20e9) throw new Error("not ready within 20 s");
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
}

/** B4: process start to /readyz 200 (median), and the size of what the image ships. */
export async function runB4(): Promise<Figure[]> {
  const runs: number[] = [];
  await timeToReady(); // warm the file cache
  for (let i = 0; i < RUNS; i++) runs.push(await timeToReady());
  const nodeBaseline: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    await new Promise((resolve) => spawn(process.execPath, ["-e", ""]).once("exit", resolve));
    nodeBaseline.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return [
    goalAtMost("B4", "start to /readyz 200 (median)", median(runs), 400, "ms"),
    reported("B4", "bare `node -e ''` start and exit (median, for scale)", median(nodeBaseline), "ms"),
    reported("B4", "dist/bundle/server.js (parsed at every start)", bundleBytes() / 1e6, "MB"),
    goalAtMost("B4", "everything the image ships (dist/bundle)", shippedBytes() / 1e6, 10, "MB"),
  ];
}
