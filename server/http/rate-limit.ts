import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import type { Logger } from "pino";
import { callerKey } from "./caller-key";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

export interface RateLimitOptions {
  /** The window the limit counts over; tests shorten it. @default 60000 */
  readonly windowMs?: number;
}

/** Extra requests a caller may make in one window on top of the per-minute limit: a tenth, at least 1. */
export function burstAllowance(perMinute: number): number {
  return Math.max(1, Math.ceil(perMinute / 10));
}

/**
 * Per-caller limit on MCP requests (MCP_RATE_LIMIT_PER_MINUTE, plus a small burst allowance), kept in this
 * replica's memory. Runs after authentication, so the key is the validated identity: the object id, the
 * API key's label, or (AUTH_MODE=none) the client address. Runs before the body is read, so a refused
 * request runs no tool. Undefined when the limit is 0 (off).
 */
export function perCallerRateLimit(
  perMinute: number,
  logger: Logger,
  options: RateLimitOptions = {},
): RequestHandler | undefined {
  if (perMinute === 0) return undefined;
  const windowMs = options.windowMs ?? 60_000;
  const limit = perMinute + burstAllowance(perMinute);
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: callerKey,
    handler: (_req, res) =>
      sendJsonRpcError(
        res,
        429,
        JsonRpcCode.ServerError,
        `Too Many Requests: more than ${limit} requests in ${windowMs / 1000} s from this caller; ` +
          `retry after ${res.get("Retry-After") ?? "a while"} s`,
      ),
    // The key never depends on X-Forwarded-For (trust proxy is off), so its presence behind an ingress is fine.
    validate: { xForwardedForHeader: false },
    logger,
  });
}
