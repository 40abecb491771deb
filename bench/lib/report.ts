import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

interface Results {
  readonly machine: string;
  /** When each benchmark was last measured, by id. */
  readonly measuredAt: Record<string, string>;
  readonly figures: Figure[];
}

/**
 * Writes latest.md and latest.json. A run of some benchmarks (`npm run bench -- B6`) replaces only their
 * figures and keeps the others', each benchmark stamped with when it was measured.
 */
export function writeResults(figures: readonly Figure[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, "latest.json");
  const previous: Results | undefined = existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, "utf8")) as Results)
    : undefined;
  const ran = new Set(figures.map((f) => f.benchmark));
  const now = new Date().toISOString();
  const measuredAt = { ...(typeof previous?.measuredAt === "object" ? previous.measuredAt : {}) };
  for (const id of ran) measuredAt[id] = now;
  const kept = (previous?.figures ?? []).filter((f) => !ran.has(f.benchmark));
  const all = [...kept, ...figures].sort((a, b) => a.benchmark.localeCompare(b.benchmark));
  const machine = `${cpus().length} cores, Node ${process.version}`;
  const stamps = Object.keys(measuredAt)
    .sort()
    .map((id) => `${id} ${measuredAt[id]}`)
    .join(", ");
  const header =
    `Measured on ${machine} (${stamps}). Every goal is a ratio or bound from one run of its benchmark; ` +
    `ratios are medians of alternating rounds.\n\n`;
  writeFileSync(join(dir, "latest.md"), header + toMarkdown(all) + "\n");
  writeFileSync(jsonPath, JSON.stringify({ machine, measuredAt, figures: all }, null, 2) + "\n");
}
