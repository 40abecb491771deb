import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

export const ERAS = ["2026-07-28", "2025-11-25"] as const;
export type Era = (typeof ERAS)[number];
export type Target = "fixtures" | "bundled";

/** One tolerated failure: a whole scenario or `scenario:check-id`, always with the reason. */
export interface ExpectedFailure {
  readonly scenario: string;
  readonly reason: string;
}

export type ExpectedFailures = Record<Target, Record<Era, readonly ExpectedFailure[]>>;

/**
 * Reads expected-failures.yml (`<target>: { <era>: [{ scenario, reason }] }`) and refuses an entry without
 * a reason, naming it: a failure nobody can explain is not expected.
 */
export function readExpectedFailures(path: string): ExpectedFailures {
  const raw = (parse(readFileSync(path, "utf8")) ?? {}) as Record<
    string,
    Record<string, unknown> | undefined
  >;
  const result = {} as ExpectedFailures;
  for (const target of ["fixtures", "bundled"] as const) {
    result[target] = {} as Record<Era, ExpectedFailure[]>;
    for (const era of ERAS) {
      const entries = raw[target]?.[era] ?? [];
      if (!Array.isArray(entries))
        throw new Error(`${path}: ${target}.${era} must be a list (got ${JSON.stringify(entries)})`);
      result[target][era] = entries.map((entry: unknown, index: number) => {
        const { scenario, reason } = (entry ?? {}) as Partial<ExpectedFailure>;
        if (
          typeof scenario !== "string" ||
          scenario === "" ||
          typeof reason !== "string" ||
          reason.trim() === ""
        ) {
          throw new Error(
            `${path}: ${target}.${era}[${index}] must be { scenario: <name or name:check-id>, reason: <why> } (got ${JSON.stringify(entry)})`,
          );
        }
        return { scenario, reason };
      });
    }
  }
  return result;
}

/** Writes the CLI's own baseline format (`server: [ids]`) for one target and era; returns its path. */
export function writeCliBaseline(
  dir: string,
  target: Target,
  era: Era,
  failures: readonly ExpectedFailure[],
): string {
  const path = join(dir, `${target}-${era}.yml`);
  writeFileSync(path, stringify({ server: failures.map((failure) => failure.scenario) }));
  return path;
}
