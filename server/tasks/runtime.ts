import type { CallerSlots } from "../http/caller-slots";
import { createTaskIds } from "./task-ids";
import { TaskStore } from "./task-store";
import type { TasksRuntime } from "./tasks";

/** A task stays readable this long after its creation (`ttlMs` of every task). */
export const TASK_TTL_MS = 60 * 60 * 1000;
/** The polling interval suggested to clients (`pollIntervalMs`). */
export const TASK_POLL_INTERVAL_MS = 1000;
/** Unfinished tasks one replica runs at most; past it a task call gets an error. */
export const MAX_TASKS_PER_REPLICA = 1000;

/** Tuning of the process-wide tasks runtime. */
export interface TasksRuntimeOptions {
  /** Signs task ids; MCP_REQUEST_STATE_KEY, shared by every replica. */
  readonly key: Uint8Array;
  /** @default TASK_TTL_MS */
  readonly ttlMs?: number;
  /** @default TASK_POLL_INTERVAL_MS */
  readonly pollIntervalMs?: number;
  /** @default MAX_TASKS_PER_REPLICA */
  readonly maxTasks?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * The process's per-caller tool-call slots (MCP_MAX_TOOL_CALLS_PER_CALLER), shared with the HTTP layer: a
   * task holds its caller's place until it ends, so tasks count under the same cap as the calls that run in
   * a request. @default - tasks hold no place (stdio, tests)
   */
  readonly toolCallSlots?: CallerSlots;
}

/** One per process: every McpServer of the process (per request, pooled or per session) shares it. */
export function createTasksRuntime(options: TasksRuntimeOptions): TasksRuntime {
  const ttlMs = options.ttlMs ?? TASK_TTL_MS;
  const now = options.now ?? Date.now;
  return {
    ids: createTaskIds(options.key, ttlMs),
    store: new TaskStore(ttlMs, options.maxTasks ?? MAX_TASKS_PER_REPLICA, now),
    ttlMs,
    pollIntervalMs: options.pollIntervalMs ?? TASK_POLL_INTERVAL_MS,
    now,
    toolCallSlots: options.toolCallSlots,
  };
}
