import type { Request } from "express";
import { addressKey } from "../http/caller-key";

/** Tuning of the failed-authentication throttle; tests pass a clock. */
export interface FailedAuthThrottleOptions {
  /** The window failures are counted over; tests shorten it. @default 60000 */
  readonly windowMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What to answer instead of a 401 once an address is over its limit. */
export interface ThrottleRefusal {
  /** Seconds until the address's window resets: the 429's Retry-After. */
  readonly retryAfterSeconds: number;
  /** The JSON-RPC error message of the 429. */
  readonly message: string;
}

/** Counts failed credentials per client address and refuses (429) past MCP_AUTH_FAILURES_PER_MINUTE. */
export interface FailedAuthThrottle {
  /**
   * Counts one credential that failed to verify, against the request's client address (caller-key.ts).
   * Returns the refusal to answer (429) instead of the 401 when the address already had `limit` failures
   * in this window.
   */
  failed(req: Request): ThrottleRefusal | undefined;
}

/**
 * Failed authentications per client address (MCP_AUTH_FAILURES_PER_MINUTE), in fixed windows: all counts
 * reset together, so memory holds at most one window's addresses. It only ever sees verdicts: the auth
 * layer checks every credential first and consults the throttle only for one that failed, so a credential
 * that verifies is never refused here, and a request without any credential (discovery) is not a failure.
 * Why, and what that leaves to key strength: docs/authentication.md, "Failed sign-ins".
 * Undefined when `limit` is 0 (off).
 */
export function createFailedAuthThrottle(
  limit: number,
  options: FailedAuthThrottleOptions = {},
): FailedAuthThrottle | undefined {
  if (limit === 0) return undefined;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  let windowStart = now();
  let failures = new Map<string, number>();
  return {
    failed(req) {
      const address = addressKey(req);
      const at = now();
      if (at - windowStart >= windowMs) {
        // The window that contains `at`: boundaries stay on the grid of the first one.
        windowStart = at - ((at - windowStart) % windowMs);
        failures = new Map();
      }
      const count = failures.get(address) ?? 0;
      if (count < limit) {
        failures.set(address, count + 1);
        return undefined;
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - at) / 1000));
      return {
        retryAfterSeconds,
        message:
          `Too Many Requests: ${limit} failed authentications from this address in ${windowMs / 1000} s ` +
          `(MCP_AUTH_FAILURES_PER_MINUTE=${limit}); retry after ${retryAfterSeconds} s`,
      };
    },
  };
}
