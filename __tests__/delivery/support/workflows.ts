import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./run-script";

export interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly "continue-on-error"?: boolean | string;
}

export interface Job {
  readonly if?: string;
  readonly needs?: string | readonly string[];
  readonly environment?: string | { readonly name: string; readonly url?: string };
  readonly concurrency?: { readonly group: string; readonly "cancel-in-progress"?: boolean };
  readonly permissions?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly "continue-on-error"?: boolean | string;
  /** A reusable workflow this job calls; such a job has no steps (allSteps skips it). */
  readonly uses?: string;
  /** Inputs of the reusable workflow this job calls. */
  readonly with?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
}

export interface WorkflowDocument {
  readonly on: Readonly<Record<string, unknown>>;
  readonly permissions?: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, Job>>;
}

export interface ParsedWorkflow {
  /** Schema and conversion errors reported by GitHub's parser; empty for a valid workflow. */
  readonly errors: readonly string[];
  /** Trigger events as normalized by the parser's converter. */
  readonly events: Readonly<Record<string, unknown>>;
  readonly jobIds: readonly string[];
  /** The validated document; expressions rendered as `${{ ... }}`. */
  readonly document: WorkflowDocument;
}

/** Every workflow in `directory`, parsed in a child process (see workflow-model.mjs for why). */
export function parseWorkflows(
  directory = join(repoRoot, ".github", "workflows"),
): Record<string, ParsedWorkflow> {
  const output = execFileSync(
    join(repoRoot, "node_modules", ".bin", "tsx"),
    [join(__dirname, "workflow-model.mjs"), directory],
    { cwd: repoRoot, encoding: "utf8" },
  );
  return JSON.parse(output) as Record<string, ParsedWorkflow>;
}

export function allSteps(workflow: ParsedWorkflow): Step[] {
  return Object.values(workflow.document.jobs).flatMap((job) => [...(job.steps ?? [])]);
}
