import { createHash } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { addressKey } from "../http/caller-key";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { API_KEY_HEADERS } from "./api-key-authenticator";

export interface FailedAuthThrottleOptions {
  /** The window failures are counted over; tests shorten it. @default 60000 */
  readonly windowMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Credentials that authenticated recently, remembered by hash (never the value) for one window or more. */
const MAX_REMEMBERED = 10_000;

function credentialHash(req: Request): string | undefined {
  const presented = req.get("authorization") ?? req.get(API_KEY_HEADERS[0]) ?? req.get(API_KEY_HEADERS[1]);
  return presented === undefined ? undefined : createHash("sha256").update(presented).digest("base64url");
}

/**
 * Wraps the auth layer with a per-address throttle on failed authentication (MCP_AUTH_FAILURES_PER_MINUTE):
 * once an address has had `limit` 401/403 answers in the current window, its requests get 429 with
 * Retry-After before any key comparison or token signature check. Fixed windows: all counts reset together,
 * so memory holds at most one window's addresses.
 *
 * Behind a proxy every client can share one address (trust proxy is off). So that an attacker's failures
 * cannot lock out everyone else there, a request whose credential authenticated in this or the previous
 * window still goes through: it costs a hash, not a signature check.
 */
export function throttleFailedAuth(
  auth: RequestHandler,
  limit: number,
  options: FailedAuthThrottleOptions = {},
): RequestHandler {
  if (limit === 0) return auth;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  let windowStart = now();
  let failures = new Map<string, number>();
  let knownGood = new Set<string>();
  let previousKnownGood = new Set<string>();
  const roll = (): void => {
    const elapsed = now() - windowStart;
    if (elapsed < windowMs) return;
    windowStart += Math.floor(elapsed / windowMs) * windowMs;
    failures = new Map();
    previousKnownGood = elapsed < 2 * windowMs ? knownGood : new Set();
    knownGood = new Set();
  };

  return (req, res, next) => {
    roll();
    const address = addressKey(req);
    const credential = credentialHash(req);
    const trusted =
      credential !== undefined && (knownGood.has(credential) || previousKnownGood.has(credential));
    if ((failures.get(address) ?? 0) >= limit && !trusted) {
      const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - now()) / 1000));
      sendJsonRpcError(
        res,
        429,
        JsonRpcCode.ServerError,
        `Too Many Requests: ${limit} failed authentications from this address in ${windowMs / 1000} s ` +
          `(MCP_AUTH_FAILURES_PER_MINUTE=${limit}); retry after ${retryAfter} s`,
        { "Retry-After": String(retryAfter) },
      );
      return;
    }
    let authenticated = false;
    res.once("finish", () => {
      if (authenticated || (res.statusCode !== 401 && res.statusCode !== 403)) return;
      roll();
      failures.set(address, (failures.get(address) ?? 0) + 1);
    });
    void auth(req, res, (error?: unknown) => {
      authenticated = error === undefined;
      if (authenticated && credential !== undefined && knownGood.size < MAX_REMEMBERED)
        knownGood.add(credential);
      next(error);
    });
  };
}
