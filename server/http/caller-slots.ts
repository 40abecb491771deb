import type { RequestId } from "@modelcontextprotocol/server";
import type { Request, RequestHandler, Response } from "express";
import { callerKey } from "./caller-key";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";
import { toolCallsIn } from "./tool-calls";

const RETRY_AFTER_SECONDS = "1";

/** Counts what each caller holds at once (requests, tool calls); a caller's entry goes when it holds nothing. */
export class CallerSlots {
  private readonly held = new Map<string, number>();

  constructor(
    /** Slots one caller may hold at once; `hold` alone may go past it. */
    readonly limit: number,
  ) {}

  /** Slots `key` holds now (0 for a caller holding none). */
  heldBy(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** Takes `count` slots for `key` when they fit under the limit; returns their release (safe to call twice). */
  take(key: string, count = 1): (() => void) | undefined {
    const now = this.heldBy(key);
    if (now + count > this.limit) return undefined;
    this.held.set(key, now + count);
    return this.releaseOf(key, count);
  }

  /**
   * Takes one slot for `key` whatever it holds: for work admitted under the limit already that outlives
   * what admitted it (a task keeps the place of the tools/call that created it).
   */
  hold(key: string): () => void {
    this.held.set(key, this.heldBy(key) + 1);
    return this.releaseOf(key, 1);
  }

  /** Takes `count` slots for `key`, each with its own release, when all of them fit under the limit. */
  takeEach(key: string, count: number): Array<() => void> | undefined {
    if (this.heldBy(key) + count > this.limit) return undefined;
    const releases: Array<() => void> = [];
    for (let i = 0; i < count; i++) releases.push(this.take(key) as () => void);
    return releases;
  }

  private releaseOf(key: string, count: number): () => void {
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
    res.on("close", release);
    next();
  };
}

/** One running `tools/call`'s place under MCP_MAX_TOOL_CALLS_PER_CALLER. */
export interface ToolCallSlot {
  /** The tools/call request's id, by which an adopting transport releases the slot when the call ends. */
  readonly id: RequestId;
  /** Gives the place back; safe to call twice. */
  readonly release: () => void;
}

interface HeldToolCalls {
  readonly slots: readonly ToolCallSlot[];
  adopted: boolean;
}

const HELD_TOOL_CALLS = "heldToolCalls";

/**
 * At most `slots.limit` tools/call requests of one caller running at once (MCP_MAX_TOOL_CALLS_PER_CALLER), however
 * they are packed into POSTs (a batch counts each call). After the body is read. The calls count as running
 * until the response closes, unless a transport whose calls outlive their POST adopts them
 * (adoptToolCalls): legacy SSE answers each POST with 202 at once, and a stateful session keeps running a
 * call whose POST went away. `slots` (limit: MCP_MAX_TOOL_CALLS_PER_CALLER) are the process's, shared with
 * the tasks runtime, whose tasks hold their place until they end.
 */
export function perCallerToolCalls(slots: CallerSlots): RequestHandler {
  return (req: Request, res, next) => {
    const { ids, answerId } = toolCallsIn(req.body);
    if (ids.length === 0) return next();
    const key = callerKey(req);
    const releases = slots.takeEach(key, ids.length);
    if (releases === undefined) {
      sendJsonRpcError(
        res,
        429,
        JsonRpcCode.ServerError,
        `Too Many Requests: this caller has ${slots.heldBy(key)} tool calls running and asked for ${ids.length} more (MCP_MAX_TOOL_CALLS_PER_CALLER=${slots.limit})`,
        { "Retry-After": RETRY_AFTER_SECONDS },
        answerId,
      );
      return;
    }
    // One slot per call, so each call's end can free its own.
    const held: HeldToolCalls = { slots: ids.map((id, i) => ({ id, release: releases[i] })), adopted: false };
    res.locals[HELD_TOOL_CALLS] = held;
    res.on("close", () => {
      if (!held.adopted) for (const slot of held.slots) slot.release();
    });
    next();
  };
}

/**
 * Takes over the tool-call slots this POST took (none when it holds no tools/call): the POST's close no
 * longer frees them; the caller must, when each call ends (see trackToolCallSlots).
 */
export function adoptToolCalls(res: Response): readonly ToolCallSlot[] {
  const held = res.locals[HELD_TOOL_CALLS] as HeldToolCalls | undefined;
  if (held === undefined || held.adopted) return [];
  held.adopted = true;
  return held.slots;
}
