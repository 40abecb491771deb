import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Figure, goalAtMost, reported } from "./lib/report";
import { median } from "./lib/stats";

const ROOT = join(__dirname, "..");
const RUNS = Number(process.env.BENCH_SYNTH_RUNS ?? 5);

function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr.slice(-2000)}`);
  return elapsedMs;
}

/** B5: wall time to synthesize every stack, the app alone and through the cdktf CLI as `npm run synth` does. */
export async function runB5(): Promise<Figure[]> {
  const appRuns: number[] = [];
  const cliRuns: number[] = [];
  let stacks = 0;
  for (let i = 0; i < RUNS; i++) {
    const outdir = mkdtempSync(join(tmpdir(), "bench-synth-"));
    try {
      appRuns.push(
        timeCommand(join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"], { CDKTF_OUTDIR: outdir }),
      );
      stacks = readdirSync(join(outdir, "stacks")).length;
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    const cliOut = mkdtempSync(join(tmpdir(), "bench-synth-cli-"));
    try {
      cliRuns.push(
        timeCommand(join(ROOT, "node_modules", ".bin", "cdktf"), ["synth", "--output", cliOut], {
          CHECKPOINT_DISABLE: "1",
        }),
      );
    } finally {
      rmSync(cliOut, { recursive: true, force: true });
    }
  }
  return [
    reported("B5", "stacks synthesized", stacks, "stacks"),
    goalAtMost("B5", "synth of all stacks (app)", median(appRuns) / 1000, 3, "s"),
    reported("B5", "npm run synth (cdktf CLI)", median(cliRuns) / 1000, "s"),
  ];
}
