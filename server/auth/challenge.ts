import type { Response } from "express";

/** The auth-params of a `WWW-Authenticate: Bearer` challenge; undefined values are left out. */
export type ChallengeParams = Readonly<Record<string, string | undefined>>;

/** Formats `Bearer a="x", b="y"` (RFC 6750 §3), skipping undefined values and escaping quotes. */
export function bearerChallenge(params: ChallengeParams): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, "'")}"`);
  return parts.length === 0 ? "Bearer" : `Bearer ${parts.join(", ")}`;
}

/** Seconds a 503 (signing keys not fetched yet) asks the client to wait. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

/**
 * Ends the response with a JSON-RPC shaped error and, when given, a WWW-Authenticate challenge (a 429 from
 * the failed-auth throttle carries the same challenge its 401 would have, so a client can still find
 * where to sign in). 503 and 429 carry Retry-After.
 */
export function sendAuthError(
  res: Response,
  status: 401 | 403 | 429 | 503,
  code: number,
  message: string,
  challenge?: string,
  retryAfterSeconds = status === 503 ? UNAVAILABLE_RETRY_AFTER_SECONDS : undefined,
): void {
  if (challenge !== undefined) res.set("WWW-Authenticate", challenge);
  if (retryAfterSeconds !== undefined) res.set("Retry-After", String(retryAfterSeconds));
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}
