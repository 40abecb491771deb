// `npm run bench [-- B1 B3 ...]`: runs the benchmarks (all by default), prints a table and writes
// bench/results/latest.md and latest.json. Every figure with a goal is a ratio or a bound measured in this run.
import { join } from "node:path";
import { runB1 } from "./b1-throughput";
import { runB2, runB6 } from "./b2-auth";
import { runB3 } from "./b3-memory";
import { runB4 } from "./b4-startup";
import { runB5 } from "./b5-synth";
import { runB7 } from "./b7-front";
import { runB8 } from "./b8-front-stdio";
import { runB9 } from "./b9-json-flood";
import { Figure, toMarkdown, writeResults } from "./lib/report";
import { ensureBundle, startOurs } from "./lib/ours";
import { stopLoadProcess } from "./lib/load";

const benchmarks: Record<string, () => Promise<Figure[]>> = {
  B1: () => runB1(() => startOurs()),
  B2: runB2,
  B3: runB3,
  B4: runB4,
  B5: runB5,
  B6: runB6,
  B7: runB7,
  B8: runB8,
  B9: runB9,
};

async function main(): Promise<void> {
  const requested = process.argv.slice(2).map((a) => a.toUpperCase());
  const unknown = requested.filter((name) => !(name in benchmarks));
  if (unknown.length) {
    throw new Error(
      `unknown benchmark(s) ${unknown.join(", ")}; available: ${Object.keys(benchmarks).join(", ")}`,
    );
  }
  const selected = requested.length ? requested : Object.keys(benchmarks);
  ensureBundle();
  const figures: Figure[] = [];
  for (const name of selected) {
    process.stderr.write(`running ${name}...\n`);
    figures.push(...(await benchmarks[name]()));
  }
  const table = toMarkdown(figures);
  process.stdout.write(table + "\n");
  writeResults(figures, join(__dirname, "results"));
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(stopLoadProcess);
