import { Request, Response } from "express";
import { callerOf } from "../auth/middleware";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import "../http/request-auth";

/**
 * Who a stateful or legacy SSE session belongs to: the validated caller that opened it. Later requests for
 * the session must come from the same caller, so a leaked or guessed session id is useless to anyone else.
 * Anonymous callers (AUTH_MODE=none, development) have nothing to bind to: undefined.
 */
export function sessionOwner(req: Request): string | undefined {
  const caller = callerOf(req.auth);
  return caller === undefined || caller.kind === "anonymous" ? undefined : `${caller.kind}:${caller.id}`;
}

/**
 * The answer for a 2025-era session id this replica does not know or that belongs to another caller: the two
 * are answered alike, so a session's existence is not revealed.
 */
export function sendSessionNotFound(res: Response, sessionId: string): void {
  sendJsonRpcError(
    res,
    404,
    JsonRpcCode.SessionNotFound,
    `Session not found: '${sessionId}' has ended or expired; initialize again`,
  );
}
