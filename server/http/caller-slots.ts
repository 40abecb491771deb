import type { Request, RequestHandler } from "express";
import { callerKey } from "./caller-key";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

const RETRY_AFTER_SECONDS = "1";

/** Counts what each caller holds at once (requests, tool calls); a caller's entry goes when it holds nothing. */
export class CallerSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly limit: number) {}

  heldBy(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** Takes `count` slots for `key` when they fit under the limit; returns their release (safe to call twice). */
  take(key: string, count = 1): (() => void) | undefined {
    const now = this.heldBy(key);
    if (now + count > this.limit) return undefined;
    this.held.set(key, now + count);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.heldBy(key) - count;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}

/**
 * At most `limit` MCP requests and streams open at once per caller (MCP_MAX_CONNECTIONS_PER_CALLER), so one
 * caller always leaves room under MCP_MAX_CONNECTIONS for others. After auth; a slot frees when the
 * response closes.
 */
export function perCallerConnections(limit: number): RequestHandler {
  const slots = new CallerSlots(limit);
  return (req, res, next) => {
    const release = slots.take(callerKey(req));
    if (release === undefined) {
      sendJsonRpcError(
        res,
        429,
        JsonRpcCode.ServerError,
        `Too Many Requests: this caller already has ${limit} requests and streams open (MCP_MAX_CONNECTIONS_PER_CALLER=${limit})`,
        { "Retry-After": RETRY_AFTER_SECONDS },
      );
      return;
    }
    res.once("close", release);
    next();
  };
}

const toolCallsIn = (body: unknown): { count: number; id: string | number | null } => {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  const calls = messages.filter(
    (m) => typeof m === "object" && m !== null && (m as { method?: unknown }).method === "tools/call",
  ) as Array<{ id?: string | number }>;
  const id = !Array.isArray(body) && calls[0]?.id !== undefined ? calls[0].id : null;
  return { count: calls.length, id };
};

/**
 * At most `limit` tools/call requests of one caller running at once (MCP_MAX_TOOL_CALLS_PER_CALLER), however
 * they are packed into POSTs (a batch counts each call). After the body is read; the calls count as
 * running until the response closes.
 */
export function perCallerToolCalls(limit: number): RequestHandler {
  const slots = new CallerSlots(limit);
  return (req: Request, res, next) => {
    const { count, id } = toolCallsIn(req.body);
    if (count === 0) return next();
    const key = callerKey(req);
    const release = slots.take(key, count);
    if (release === undefined) {
      sendJsonRpcError(
        res,
        429,
        JsonRpcCode.ServerError,
        `Too Many Requests: this caller has ${slots.heldBy(key)} tool calls running and asked for ${count} more (MCP_MAX_TOOL_CALLS_PER_CALLER=${limit})`,
        { "Retry-After": RETRY_AFTER_SECONDS },
        id,
      );
      return;
    }
    res.once("close", release);
    next();
  };
}
