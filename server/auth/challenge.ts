import type { Response } from "express";

/** JSON-RPC error codes in the implementation-defined server range used for auth failures. */
export const UNAUTHORIZED_CODE = -32001;
export const FORBIDDEN_CODE = -32003;
export const UNAVAILABLE_CODE = -32002;

export type ChallengeParams = Readonly<Record<string, string | undefined>>;

/** Formats `Bearer a="x", b="y"` (RFC 6750 §3), skipping undefined values and escaping quotes. */
export function bearerChallenge(params: ChallengeParams): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}="${value.replace(/["\\]/g, "'")}"`);
  return parts.length === 0 ? "Bearer" : `Bearer ${parts.join(", ")}`;
}

/** Ends the response with a JSON-RPC shaped error and, when given, a WWW-Authenticate challenge. */
export function sendAuthError(
  res: Response,
  status: 401 | 403 | 503,
  code: number,
  message: string,
  challenge?: string,
): void {
  if (challenge !== undefined) res.set("WWW-Authenticate", challenge);
  if (status === 503) res.set("Retry-After", "30");
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}
