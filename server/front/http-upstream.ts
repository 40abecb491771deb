import http, { type ClientRequest, type IncomingMessage } from "node:http";
import https from "node:https";
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { isJSONRPCNotification, isJSONRPCRequest, type RequestId } from "@modelcontextprotocol/server";
import { callerOf } from "../auth/middleware";
import { ANONYMOUS_CALLER } from "../auth/types";
import "../http/request-auth";
import { sendJsonRpcError } from "../http/json-rpc-error";
import { DRAIN_ABORT_ERROR, type Lifecycle } from "../lifecycle";
import { sendSessionNotFound, sessionOwner } from "../transports/session-owner";
import { SESSION_RETRY_AFTER_SECONDS, type SessionLimits } from "../transports/session-store";
import type { HttpUpstreamConfig } from "./config";
import { callerHeaders } from "./caller-headers";
import { forwardedRequestHeaders, RESPONSE_HEADERS } from "./forwarded-headers";
import { SseRelay } from "./sse-relay";
import { UpstreamSessions, UpstreamSessionsFullError } from "./upstream-sessions";
import { answerWithErrors, failExchange, requestIdsOf, UPSTREAM_ERROR_CODE } from "./upstream-error";

const READINESS_TIMEOUT_MS = 2000;
const CANCEL_TIMEOUT_MS = 5000;

/** The front's relay to an MCP server over HTTP. */
export interface HttpUpstream {
  /** POST /mcp: one JSON-RPC message or batch, answered as JSON or relayed SSE. */
  readonly post: RequestHandler;
  /** GET /mcp (a 2025-era session's stream) and DELETE /mcp (a session's end), relayed as they are. */
  readonly relay: RequestHandler;
  /** /readyz: the upstream answers HTTP at all. */
  readonly ready: () => Promise<boolean>;
}

/** The upstream as error messages name it: origin and path, never a query string. */
function upstreamName(url: URL): string {
  return `upstream ${url.origin}${url.pathname}`;
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
  const url = new URL(config.url);
  const name = upstreamName(url);
  const client = url.protocol === "https:" ? https : http;
  const agent = new client.Agent({ keepAlive: true });
  const sessions = new UpstreamSessions(sessionLimits);

  /** Open exchanges by caller, session and request id: a client's notifications/cancelled ends its one. */
  const open = new Map<string, (reason: string) => void>();
  const keyOf = (req: Request, id: RequestId): string => {
    const caller = callerOf(req.auth) ?? ANONYMOUS_CALLER;
    return JSON.stringify([caller.kind, caller.id, req.headers["mcp-session-id"] ?? "", id]);
  };

  /**
   * A stateless upstream cannot route a cancel that arrives in its own POST; closing the connection that
   * carries the request is its signal. So the front also cuts the cancelled request's exchange.
   */
  function cutCancelled(req: Request): void {
    const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    for (const message of messages) {
      // The cheap test first: a schema parse per relayed message cost more than the rest of this function.
      if ((message as { method?: unknown } | null)?.method !== "notifications/cancelled") continue;
      if (!isJSONRPCNotification(message)) continue;
      const params = message.params as { requestId?: RequestId; reason?: string } | undefined;
      if (params?.requestId !== undefined)
        open.get(keyOf(req, params.requestId))?.(params.reason ?? "cancelled by the client");
    }
  }

  /** An initialize outside a session opens one upstream: refused (503) when its caller may not. */
  function admitSession(req: Request, res: Response): boolean {
    const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    const initializing = messages.some((m) => isJSONRPCRequest(m) && m.method === "initialize");
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

  function headersFor(req: Request, res: Response): Record<string, string> {
    return {
      ...forwardedRequestHeaders(req.headers),
      ...callerHeaders(callerOf(req.auth) ?? ANONYMOUS_CALLER),
      "x-request-id": String(res.locals.requestId ?? ""),
    };
  }

  /** Tells the upstream that requests its caller abandoned are cancelled (fire and forget). */
  function cancelUpstream(ids: readonly RequestId[], headers: Record<string, string>): void {
    for (const requestId of ids) {
      const body = JSON.stringify({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId, reason: "the client closed the connection to the front" },
      });
      const cancel = client.request(url, {
        method: "POST",
        agent,
        timeout: CANCEL_TIMEOUT_MS,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      });
      cancel.on("response", (r) => r.resume());
      cancel.on("timeout", () => cancel.destroy());
      cancel.on("error", () => undefined);
      cancel.end(body);
    }
  }

  function exchange(req: Request, res: Response, body: Buffer | undefined): void {
    const sessionId = req.headers["mcp-session-id"];
    const owner = sessionOwner(req);
    if (typeof sessionId === "string" && !sessions.allows(sessionId, owner)) {
      sendSessionNotFound(res, sessionId);
      return;
    }
    const ids = body ? requestIdsOf(req.body) : [];
    const headers = headersFor(req, res);
    // Requests must keep hearing from the upstream; a GET stream only has to open in time.
    const silenceLimited = ids.length > 0;
    const finishRequest = silenceLimited ? lifecycle.beginRequest() : () => undefined;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let upstreamResponse: IncomingMessage | undefined;

    const keys = ids.map((id) => keyOf(req, id));
    const complete = (): void => {
      done = true;
      clearTimeout(timer);
      finishRequest();
      unregisterDrain();
      for (const key of keys) open.delete(key);
    };
    const fail = (status: 502 | 503 | 504, message: string): void => {
      if (done) return;
      logger.warn({ upstream: name, status, reason: message }, "upstream failed");
      complete();
      upstream.destroy();
      failExchange(res, status, ids, message);
    };
    const arm = (): void => {
      clearTimeout(timer);
      if (!silenceLimited && upstreamResponse) return; // a stream, once open, may stay quiet
      timer = setTimeout(() => {
        fail(
          504,
          `${name} did not answer within ${config.timeoutMs / 1000} s (MCP_UPSTREAM_TIMEOUT_SECONDS)`,
        );
        cancelUpstream(ids, headers);
      }, config.timeoutMs);
    };
    // Still running when the drain's grace period ends: each request gets the drain's error, then the end.
    const unregisterDrain = lifecycle.onDrainClose(() => {
      if (done) return;
      complete();
      upstreamResponse?.destroy();
      upstream.destroy();
      cancelUpstream(ids, headers);
      answerWithErrors(res, ids, Array.isArray(req.body), DRAIN_ABORT_ERROR);
    });

    /** The client cancelled a request of this exchange: closing it is the upstream's signal. */
    const cut = (reason: string): void => {
      if (done) return;
      complete();
      upstreamResponse?.destroy();
      upstream.destroy();
      answerWithErrors(res, ids, Array.isArray(req.body), {
        code: UPSTREAM_ERROR_CODE,
        message: `Request cancelled: ${reason}`,
      });
    };
    for (const key of keys) open.set(key, cut);

    const send = (retryOnStaleSocket: boolean): ClientRequest => {
      const request = client.request(url, {
        method: req.method,
        agent,
        headers: body ? { ...headers, "content-length": body.length } : headers,
      });
      request.on("error", (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the upstream closed just as it was reused: the request never reached it
        // (node's documented retry case), so sending it once more cannot run anything twice.
        if (retryOnStaleSocket && request.reusedSocket && error.code === "ECONNRESET" && !done) {
          upstream = send(false);
          upstream.on("response", onResponse);
          upstream.end(body);
          return;
        }
        fail(502, `${name} is unreachable or failed (${error.code ?? error.message})`);
      });
      return request;
    };
    let upstream = send(true);
    const onResponse = (response: IncomingMessage): void => {
      upstreamResponse = response;
      arm();
      const status = response.statusCode ?? 502;
      const issued = response.headers["mcp-session-id"];
      if (typeof issued === "string" && issued !== sessionId) sessions.record(issued, owner);
      if (req.method === "DELETE" && typeof sessionId === "string" && status < 300)
        sessions.forget(sessionId);
      res.status(status);
      for (const header of RESPONSE_HEADERS) {
        const value = response.headers[header];
        if (value !== undefined) res.setHeader(header, value);
      }
      const streaming = String(response.headers["content-type"]).startsWith("text/event-stream");
      const sink = streaming ? new SseRelay(res, heartbeatMs) : res;
      if (streaming) res.flushHeaders();
      response.on("data", (chunk: Buffer) => {
        arm();
        if (!sink.write(chunk)) {
          response.pause();
          res.once("drain", () => response.resume());
        }
      });
      response.on("end", () => {
        if (done) return;
        complete();
        sink.end();
      });
      response.on("close", () => {
        if (!response.complete) fail(502, `${name} closed its response before the answer was complete`);
      });
    };
    upstream.on("response", onResponse);
    res.once("close", () => {
      if (done) return;
      // The caller went away first: stop the upstream work it asked for.
      complete();
      upstreamResponse?.destroy();
      upstream.destroy();
      cancelUpstream(ids, headers);
    });
    arm();
    upstream.end(body);
  }

  return {
    post: (req, res) => {
      if (!admitSession(req, res)) return;
      exchange(req, res, req.rawBody ?? Buffer.from(JSON.stringify(req.body)));
      // After the exchange is open: a batch may cancel one of its own requests.
      cutCancelled(req);
    },
    relay: (req, res) => exchange(req, res, undefined),
    ready: () =>
      new Promise<boolean>((resolve) => {
        const probe = client.request(url, {
          method: "GET",
          agent,
          timeout: READINESS_TIMEOUT_MS,
          headers: { accept: "text/event-stream" },
        });
        probe.on("response", (response) => {
          response.destroy();
          resolve(true);
        });
        probe.on("timeout", () => probe.destroy(new Error("timeout")));
        probe.on("error", () => resolve(false));
        probe.end();
      }),
  };
}
