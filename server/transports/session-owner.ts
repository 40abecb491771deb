import { Request } from "express";
import { callerOf } from "../auth/middleware";
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
