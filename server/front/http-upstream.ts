import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { isJSONRPCRequest } from "@modelcontextprotocol/server";
import "../http/request-auth";
import { sendJsonRpcError } from "../http/json-rpc-error";
import { messagesOf } from "../json-rpc-messages";
import type { Lifecycle } from "../lifecycle";
import { sessionOwner } from "../transports/session-owner";
import { SESSION_RETRY_AFTER_SECONDS, type SessionLimits } from "../transports/session-store";
import type { HttpUpstreamConfig } from "./config";
import { HttpExchange, type ExchangeDeps } from "./http-exchange";
import { OpenExchanges } from "./open-exchanges";
import { UPSTREAM_ERROR_CODE } from "./upstream-error";
import { upstreamAnswers } from "./upstream-readiness";
import { UpstreamSessions, UpstreamSessionsFullError } from "./upstream-sessions";
import { UpstreamTarget } from "./upstream-target";

/** The front's relay to an MCP server over HTTP. */
export interface HttpUpstream {
  /** POST /mcp: one JSON-RPC message or batch, answered as JSON or relayed SSE. */
  readonly post: RequestHandler;
  /** GET /mcp (a 2025-era session's stream) and DELETE /mcp (a session's end), relayed as they are. */
  readonly relay: RequestHandler;
  /** /readyz: the upstream answers HTTP at all. */
  readonly ready: () => Promise<boolean>;
}

/** An initialize outside a session opens one upstream: refused (503) when its caller may not. */
function admitSession(sessions: UpstreamSessions, req: Request, res: Response): boolean {
  const initializing = messagesOf(req.body).some((m) => isJSONRPCRequest(m) && m.method === "initialize");
  if (!initializing || req.headers["mcp-session-id"] !== undefined) return true;
  try {
    sessions.admit(sessionOwner(req));
    return true;
  } catch (error) {
    if (!(error instanceof UpstreamSessionsFullError)) throw error;
    sendJsonRpcError(res, 503, UPSTREAM_ERROR_CODE, error.message, {
      "Retry-After": String(SESSION_RETRY_AFTER_SECONDS),
    });
    return false;
  }
}

/**
 * Forwards MCP traffic to a Streamable HTTP server (both protocol eras: the front reads nothing of the
 * messages but their request ids). The caller's credential stays here; the validated identity travels as
 * x-mcp-caller-* headers. A client that goes away cancels its requests upstream; an upstream that fails or
 * stays silent longer than MCP_UPSTREAM_TIMEOUT_SECONDS gets the caller a JSON-RPC error naming it.
 */
export function httpUpstream(
  config: HttpUpstreamConfig,
  lifecycle: Lifecycle,
  heartbeatMs: number,
  logger: Logger,
  sessionLimits: SessionLimits,
): HttpUpstream {
  const target = new UpstreamTarget(config.url);
  const deps: ExchangeDeps = {
    target,
    timeoutMs: config.timeoutMs,
    heartbeatMs,
    lifecycle,
    sessions: new UpstreamSessions(sessionLimits),
    open: new OpenExchanges(),
    logger,
  };
  return {
    post: (req, res) => {
      if (!admitSession(deps.sessions, req, res)) return;
      new HttpExchange(deps, req, res, req.rawBody ?? Buffer.from(JSON.stringify(req.body))).start();
      // After the exchange is open: a batch may cancel one of its own requests.
      deps.open.cutCancelled(req);
    },
    relay: (req, res) => new HttpExchange(deps, req, res, undefined).start(),
    ready: () => upstreamAnswers(target),
  };
}
