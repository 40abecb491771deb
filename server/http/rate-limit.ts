import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import type { Logger } from "pino";
import { callerKey } from "./caller-key";
import { FixedWindowStore } from "./fixed-window-store";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

const WINDOW_MS = 60_000;

/** Extra requests a caller may make in one window on top of the per-minute limit: a tenth, at least 1. */
export function burstAllowance(perMinute: number): number {
  return Math.max(1, Math.ceil(perMinute / 10));
}

/**
 * Per-caller limit on MCP requests (MCP_RATE_LIMIT_PER_MINUTE, plus a small burst allowance), kept in this
 * replica's memory. Runs after authentication, so the key is the validated identity: the object id, the
 * API key's label, or (AUTH_MODE=none) the client address. Runs before the body is read, so a refused
 * request runs no tool. Undefined when the limit is 0 (off). `now` is the clock windows are counted on.
 */
export function perCallerRateLimit(
  perMinute: number,
  logger: Logger,
  now: () => number = Date.now,
): RequestHandler | undefined {
  if (perMinute === 0) return undefined;
  const limit = perMinute + burstAllowance(perMinute);
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    store: new FixedWindowStore(now),
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: callerKey,
    handler: (_req, res) =>
      sendJsonRpcError(
        res,
        429,
        JsonRpcCode.ServerError,
        `Too Many Requests: more than ${limit} requests in ${WINDOW_MS / 1000} s from this caller; ` +
          `retry after ${res.get("Retry-After") ?? "a while"} s`,
      ),
    // X-Forwarded-For counts only across MCP_TRUSTED_PROXY_HOPS (caller-key.ts); with 0 it is ignored, so
    // its presence behind an ingress is fine.
    validate: { xForwardedForHeader: false },
    logger,
  });
}
