import type { Request } from "express";
import { ipKeyGenerator } from "express-rate-limit";
import { callerOf } from "../auth/middleware";
import type { CallerIdentity } from "../auth/types";
import "./request-auth";

/**
 * The client address as a limit key. IPv6 clients are grouped by /56, or one client could rotate addresses
 * past a limit. `req.ip`: the socket's address, or with MCP_TRUSTED_PROXY_HOPS=n (express's trust proxy)
 * the X-Forwarded-For entry n hops back, the one the outermost trusted proxy saw; entries a client wrote
 * itself sit further left and are never used.
 */
export function addressKey(req: Request, address = req.ip ?? req.socket.remoteAddress): string {
  return `address:${ipKeyGenerator(address ?? "unknown")}`;
}

/**
 * Who per-caller limits count against: the validated identity (object id or API key label) after the auth
 * layer, or the client address for anonymous callers (AUTH_MODE=none).
 */
export function callerKey(req: Request): string {
  const caller = callerOf(req.auth);
  return caller === undefined ? addressKey(req) : callerKeyOf(caller);
}

/** The limit key of a caller the auth layer decided (an anonymous caller's id is its client address). */
export function callerKeyOf(caller: CallerIdentity): string {
  if (caller.kind === "anonymous") return `address:${ipKeyGenerator(caller.id)}`;
  return `${caller.kind}:${caller.id}`;
}
