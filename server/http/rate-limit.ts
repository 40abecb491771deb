import type { RequestId } from "@modelcontextprotocol/server";
import type { RequestHandler, Response } from "express";
import { rateLimit } from "express-rate-limit";
import type { Logger } from "pino";
import { callerKey } from "./caller-key";
import { FixedWindowStore } from "./fixed-window-store";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";
import { toolCallsIn } from "./tool-calls";

const WINDOW_MS = 60_000;

/** Extra requests a caller may make in one window on top of the per-minute limit: a tenth, at least 1. */
export function burstAllowance(perMinute: number): number {
  return Math.max(1, Math.ceil(perMinute / 10));
}

/** The two halves of the per-caller rate limit, both counting on one store. */
export interface CallerRateLimit {
  /** Counts each MCP request, before its body is read. */
  readonly perRequest: RequestHandler;
  /** After the body is read: counts each tools/call of a batch beyond the first, so n calls count n. */
  readonly perToolCall: RequestHandler;
}

/**
 * Per-caller limit on MCP requests (MCP_RATE_LIMIT_PER_MINUTE, plus a small burst allowance), kept in this
 * replica's memory. Runs after authentication, so the key is the validated identity: the object id, the
 * API key's label, or (AUTH_MODE=none) the client address. Every request counts before its body is read,
 * so a refused request runs no tool; a batch then counts each further tools/call, whatever the transport.
 * Undefined when the limit is 0 (off). `now` is the clock windows are counted on.
 */
export function perCallerRateLimit(
  perMinute: number,
  logger: Logger,
  now: () => number = Date.now,
): CallerRateLimit | undefined {
  if (perMinute === 0) return undefined;
  const limit = perMinute + burstAllowance(perMinute);
  const store = new FixedWindowStore(now);
  const tooMany = (res: Response, retryAfter: string, id: RequestId | null = null): void =>
    sendJsonRpcError(
      res,
      429,
      JsonRpcCode.ServerError,
      `Too Many Requests: more than ${limit} requests in ${WINDOW_MS / 1000} s from this caller ` +
        `(MCP_RATE_LIMIT_PER_MINUTE=${perMinute}, each tools/call of a batch counted); retry after ${retryAfter} s`,
      { "Retry-After": retryAfter },
      id,
    );
  const perRequest = rateLimit({
    windowMs: WINDOW_MS,
    limit,
    store,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: callerKey,
    handler: (_req, res) => tooMany(res, String(res.get("Retry-After") ?? Math.ceil(WINDOW_MS / 1000))),
    // X-Forwarded-For counts only across MCP_TRUSTED_PROXY_HOPS (caller-key.ts); with 0 it is ignored, so
    // its presence behind an ingress is fine.
    validate: { xForwardedForHeader: false },
    logger,
  });
  const perToolCall: RequestHandler = (req, res, next) => {
    const { ids, answerId } = toolCallsIn(req.body);
    if (ids.length <= 1) return next();
    const counted = store.add(callerKey(req), ids.length - 1);
    if (counted.totalHits <= limit) return next();
    const retryAfter = Math.max(1, Math.ceil((counted.resetTime.getTime() - now()) / 1000));
    tooMany(res, String(retryAfter), answerId);
  };
  return { perRequest, perToolCall };
}
