import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

export interface Figure {
  readonly benchmark: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The goal as text, e.g. ">= 0.6"; empty when the figure is only reported. */
  readonly goal: string;
  /** Whether the goal was met; undefined for figures without a goal. */
  readonly met?: boolean;
}

export function goalAtLeast(
  benchmark: string,
  name: string,
  value: number,
  min: number,
  unit = "ratio",
): Figure {
  return { benchmark, name, value, unit, goal: `>= ${min}`, met: value >= min };
}

export function goalAtMost(
  benchmark: string,
  name: string,
  value: number,
  max: number,
  unit: string,
): Figure {
  return { benchmark, name, value, unit, goal: `<= ${max}`, met: value <= max };
}

export function reported(benchmark: string, name: string, value: number, unit: string): Figure {
  return { benchmark, name, value, unit, goal: "" };
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

export function toMarkdown(figures: readonly Figure[]): string {
  const lines = [
    "| benchmark | figure | value | unit | goal | met |",
    "| --- | --- | ---: | --- | --- | --- |",
    ...figures.map(
      (f) =>
        `| ${f.benchmark} | ${f.name} | ${format(f.value)} | ${f.unit} | ${f.goal} | ${
          f.met === undefined ? "" : f.met ? "yes" : "**no**"
        } |`,
    ),
  ];
  return lines.join("\n");
}

export function writeResults(figures: readonly Figure[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  const machine = `${cpus().length} cores, Node ${process.version}`;
  const header = `Measured ${new Date().toISOString()} on ${machine}. Ratios are medians of alternating rounds in one run.\n\n`;
  writeFileSync(join(dir, "latest.md"), header + toMarkdown(figures) + "\n");
  writeFileSync(
    join(dir, "latest.json"),
    JSON.stringify({ measuredAt: new Date().toISOString(), machine, figures }, null, 2) + "\n",
  );
}
