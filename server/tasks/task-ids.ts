import { randomUUID } from "node:crypto";
import { createRequestStateCodec, type ServerContext } from "@modelcontextprotocol/server";
import { callerOf } from "../auth/middleware";
import { ANONYMOUS_CALLER } from "../auth/types";

/** What a task id carries, readable by any replica that shares the key. */
export interface TaskIdPayload {
  /** Checked on read, so a payload signed for another purpose never passes for a task id. */
  readonly kind: "task";
  /** The tool the task runs. */
  readonly tool: string;
  /** A replayable tool's validated arguments (enough to answer tasks/get anywhere); undefined otherwise. */
  readonly args: unknown;
  /** Creation time, epoch milliseconds. */
  readonly createdAt: number;
  /** Makes every id unique and unguessable (SEP-2663 "Task ID unguessability"). */
  readonly nonce: string;
}

/**
 * Task ids are HMAC-signed tokens (the SDK's `createRequestStateCodec`, under MCP_REQUEST_STATE_KEY, which
 * every replica shares), bound to the caller that created the task and expiring with the task's TTL. So any
 * replica can tell a genuine id of this caller from a forged, altered, foreign or expired one without a
 * store, and a tool whose outcome follows from its arguments and the clock can be answered anywhere. The
 * bind label differs from confirm_action's requestState, so neither token passes for the other.
 */
export interface TaskIds {
  /** A new task id for `tool`, bound to the caller of `ctx` and expiring with the task. */
  mint(tool: string, args: unknown, createdAt: number, ctx: ServerContext): Promise<string>;
  /** The payload of a genuine, unexpired id of this caller; undefined for anything else. */
  read(taskId: string, ctx: ServerContext): Promise<TaskIdPayload | undefined>;
}

/** The caller a task belongs to: the auth layer's caller id, or anonymous without authentication. */
function callerIdOf(ctx: ServerContext): string {
  return (callerOf(ctx.http?.authInfo) ?? ANONYMOUS_CALLER).id;
}

/**
 * Task ids signed under `key`, bound to the caller, valid for `ttlMs`: any replica with the key can read
 * them.
 */
export function createTaskIds(key: Uint8Array, ttlMs: number): TaskIds {
  const codec = createRequestStateCodec<TaskIdPayload>({
    key,
    ttlSeconds: Math.ceil(ttlMs / 1000),
    bind: (ctx) => `task\0caller\0${callerIdOf(ctx)}`,
  });
  return {
    mint: (tool, args, createdAt, ctx) =>
      codec.mint({ kind: "task", tool, args, createdAt, nonce: randomUUID() }, ctx),
    read: async (taskId, ctx) => {
      try {
        const payload = await codec.verify(taskId, ctx);
        return payload?.kind === "task" ? payload : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
