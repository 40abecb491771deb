import { randomUUID } from "node:crypto";
import { Request, RequestHandler } from "express";
import { Logger } from "pino";
import { callerOf } from "../auth/middleware";
import "./request-auth";

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/** The caller's x-request-id when it is sane, else the W3C trace id from traceparent, else a new UUID. */
function requestIdOf(req: Request): string {
  const given = req.headers["x-request-id"];
  if (typeof given === "string" && REQUEST_ID.test(given)) return given;
  const trace = TRACEPARENT.exec(String(req.headers.traceparent ?? ""));
  return trace?.[1] ?? randomUUID();
}

/**
 * The only request headers a log line names. Everything else (Easy Auth's x-ms-client-principal and
 * x-ms-token-aad-*, API keys under any vendor's name, session ids, Last-Event-ID, cookies) stays out.
 */
export const LOGGED_HEADERS = [
  "content-type",
  "accept",
  "user-agent",
  "mcp-protocol-version",
  "mcp-method",
  "mcp-name",
  "x-request-id",
  "traceparent",
  "content-length",
] as const;

function loggedHeaders(req: Request): Record<string, string | string[]> {
  const logged: Record<string, string | string[]> = {};
  for (const name of LOGGED_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined) logged[name] = value;
  }
  return logged;
}

/** The first message of a body (a batch's first), when it is an object. */
function firstMessage(body: unknown): { method?: unknown; params?: { name?: unknown } } | undefined {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  return typeof first === "object" && first !== null ? first : undefined;
}

/**
 * warn for a refused request, except the 405 every 2025-era client gets when it probes `GET /mcp` for a
 * server-initiated stream (a stateless server offers none; the client carries on): that one is routine.
 */
function levelOf(method: string, path: string, status: number): "error" | "warn" | "info" {
  if (status >= 500) return "error";
  if (status === 405 && method === "GET" && path === "/mcp") return "info";
  return status >= 400 ? "warn" : "info";
}

/**
 * One log line per request when its response closes: request id, method, path, JSON-RPC method, tool,
 * caller id (object id, API key label or client address; never a credential), status, duration, and the
 * request headers named in LOGGED_HEADERS.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    // Read now: a middleware mounted on a path that answers without calling next() leaves req.url stripped.
    const path = req.path;
    res.setHeader("x-request-id", requestId);
    res.locals.requestId = requestId;
    // `on`, not `once`: a response closes once, and `once` wraps every listener.
    res.on("close", () => {
      const durationMs = performance.now() - started;
      const message = firstMessage(req.body);
      const rpcMethod = message?.method;
      const tool = message?.params?.name;
      logger[levelOf(req.method, path, res.statusCode)](
        {
          requestId,
          method: req.method,
          path,
          rpcMethod: typeof rpcMethod === "string" ? rpcMethod : undefined,
          tool: rpcMethod === "tools/call" && typeof tool === "string" ? tool : undefined,
          callerId: callerOf(req.auth)?.id,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 100) / 100,
          aborted: !res.writableFinished,
          headers: loggedHeaders(req),
          err: res.locals.error,
        },
        "request",
      );
    });
    next();
  };
}
