import type { InputResponses } from "@modelcontextprotocol/server";
import type { TaskState } from "./task-record";

/** A task this replica runs: its state, and what resuming or cancelling it needs. */
export interface LiveTask {
  /** The signed id the client polls with. */
  readonly taskId: string;
  /** Epoch milliseconds; the task is dropped `ttlMs` after it. */
  readonly createdAt: number;
  /** What tasks/get answers; replaced, never mutated, as the task moves on. */
  state: TaskState;
  /** Every answer tasks/update delivered so far, by inputRequests key. */
  readonly responses: Record<string, InputResponses[string]>;
  /** The requestState the last round returned, handed back to the tool when it resumes. */
  requestState?: string;
  /** Aborts the running tool: tasks/cancel, or the task expiring. */
  readonly abort: AbortController;
  /** Frees the caller's place under MCP_MAX_TOOL_CALLS_PER_CALLER; called when the task ends (safe twice). */
  readonly release: () => void;
  /** Runs the tool again once every outstanding input request is answered. */
  resume?: () => void;
}

/**
 * The tasks this replica runs, kept in memory until their TTL has passed. Bounded: past `maxTasks` live
 * tasks the oldest finished ones go first; a replica full of unfinished tasks refuses new ones.
 */
export class TaskStore {
  private readonly tasks = new Map<string, LiveTask>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxTasks: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The task, unless it expired (expired tasks are aborted and released on the way). */
  get(taskId: string): LiveTask | undefined {
    this.sweep();
    return this.tasks.get(taskId);
  }

  /** Stores a task; false when the replica already holds `maxTasks` unfinished ones. */
  add(task: LiveTask): boolean {
    this.sweep();
    if (this.tasks.size >= this.maxTasks && !this.evictOneFinished()) return false;
    this.tasks.set(task.taskId, task);
    return true;
  }

  /** Tasks held on this replica, expired ones included until the next sweep. */
  get size(): number {
    return this.tasks.size;
  }

  private sweep(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [taskId, task] of this.tasks) {
      if (task.createdAt > cutoff) break; // insertion order is creation order
      task.abort.abort();
      task.release();
      this.tasks.delete(taskId);
    }
  }

  private evictOneFinished(): boolean {
    for (const [taskId, task] of this.tasks) {
      if (task.state.status === "working" || task.state.status === "input_required") continue;
      this.tasks.delete(taskId);
      return true;
    }
    return false;
  }
}
