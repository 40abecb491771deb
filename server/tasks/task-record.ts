import type { CallToolResult, InputRequests } from "@modelcontextprotocol/server";

/** A task's status (SEP-2663). */
export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** A JSON-RPC error as a failed task inlines it (SEP-2663 FailedTask.error). */
export interface TaskError {
  /** The JSON-RPC error code the tool raised. */
  readonly code: number;
  /** The error's message, as the tool raised it. */
  readonly message: string;
  /** The error's data, when it had any. */
  readonly data?: unknown;
}

/** What tasks/get reports of a task; a replica that runs the task holds it, others replay it (replay.ts). */
export interface TaskState {
  /** Where the task is; completed, failed and cancelled are final. */
  readonly status: TaskStatus;
  /** A human-readable line on progress or outcome (the tool's last progress message). */
  readonly statusMessage?: string;
  /** Epoch milliseconds. */
  readonly lastUpdatedAt: number;
  /** completed: the tool's result, isError included (a tool error is not a failed task). */
  readonly result?: CallToolResult;
  /** failed: the protocol error the tool raised. */
  readonly error?: TaskError;
  /** input_required: the requests still unanswered. */
  readonly inputRequests?: InputRequests;
}

/** Whether a task in `status` is over: its result or error no longer changes. */
export const isTerminal = (status: TaskStatus): boolean =>
  status === "completed" || status === "failed" || status === "cancelled";

/** The SEP-2663 DetailedTask of a state, as tasks/get returns it (and, without payload, CreateTaskResult). */
export function detailedTask(
  taskId: string,
  createdAt: number,
  state: TaskState,
  timing: { readonly ttlMs: number; readonly pollIntervalMs: number },
): Record<string, unknown> {
  return {
    taskId,
    status: state.status,
    ...(state.statusMessage === undefined ? {} : { statusMessage: state.statusMessage }),
    createdAt: new Date(createdAt).toISOString(),
    lastUpdatedAt: new Date(state.lastUpdatedAt).toISOString(),
    ttlMs: timing.ttlMs,
    pollIntervalMs: timing.pollIntervalMs,
    ...(state.status === "completed" && state.result ? { result: state.result } : {}),
    ...(state.status === "failed" && state.error ? { error: state.error } : {}),
    ...(state.status === "input_required" && state.inputRequests
      ? { inputRequests: state.inputRequests }
      : {}),
  };
}
