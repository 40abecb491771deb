import type { ClientRequest, IncomingMessage } from "node:http";
import type { Request, Response } from "express";
import type { Logger } from "pino";
import type { RequestId } from "@modelcontextprotocol/server";
import { callerOf } from "../auth/middleware";
import { ANONYMOUS_CALLER } from "../auth/types";
import "../http/request-auth";
import { DRAIN_ABORT_ERROR, type Lifecycle } from "../lifecycle";
import { sendSessionNotFound, sessionOwner } from "../transports/session-owner";
import { callerHeaders } from "./caller-headers";
import { forwardedRequestHeaders, RESPONSE_HEADERS } from "./forwarded-headers";
import type { OpenExchanges } from "./open-exchanges";
import { SseRelay } from "./sse-relay";
import { postCancels } from "./upstream-cancel";
import { answerWithErrors, failExchange, requestIdsOf, UPSTREAM_ERROR_CODE } from "./upstream-error";
import type { UpstreamSessions } from "./upstream-sessions";
import type { UpstreamTarget } from "./upstream-target";

/** What every exchange with one HTTP upstream shares. */
export interface ExchangeDeps {
  /** The upstream's URL and kept-alive agent. */
  readonly target: UpstreamTarget;
  /** MCP_UPSTREAM_TIMEOUT_SECONDS, in milliseconds: the longest the upstream may stay silent. */
  readonly timeoutMs: number;
  /** MCP_SSE_HEARTBEAT_SECONDS, in ms: keep-alive comments on relayed SSE streams. */
  readonly heartbeatMs: number;
  /** Counts the exchange as a request in flight; a drain aborts it after the grace. */
  readonly lifecycle: Lifecycle;
  /** Which caller owns which upstream session: a caller may use only its own. */
  readonly sessions: UpstreamSessions;
  /** Where a client's cancellation finds the exchange running its request. */
  readonly open: OpenExchanges;
  /** Upstream failures are logged here (never a header's value). */
  readonly logger: Logger;
}

/**
 * One client request relayed to the upstream and the upstream's answer relayed back. Stages, in order:
 * `start` (session check, registration), `send`, `relay` (status, headers, body or SSE). It ends exactly
 * once: `finish` (the answer is complete), `fail` (upstream error or silence), `cut` (the client cancelled
 * one of its requests), `abandon` (the client went away) or `abortForDrain` (the drain's grace period ended).
 */
export class HttpExchange {
  private readonly sessionId: string | string[] | undefined;
  private readonly owner: string | undefined;
  /** The request ids of the body; none for a GET stream or a DELETE. */
  private readonly ids: readonly RequestId[];
  private readonly headers: Record<string, string>;
  /** Requests must keep hearing from the upstream; a GET stream only has to open in time. */
  private readonly silenceLimited: boolean;
  private done = false;
  private timer: NodeJS.Timeout | undefined;
  private upstream!: ClientRequest;
  private response: IncomingMessage | undefined;
  private readonly releases: (() => void)[] = [];

  constructor(
    private readonly deps: ExchangeDeps,
    private readonly req: Request,
    private readonly res: Response,
    private readonly body: Buffer | undefined,
  ) {
    this.sessionId = req.headers["mcp-session-id"];
    this.owner = sessionOwner(req);
    this.ids = body ? requestIdsOf(req.body) : [];
    this.headers = {
      ...forwardedRequestHeaders(req.headers),
      ...callerHeaders(callerOf(req.auth) ?? ANONYMOUS_CALLER),
      "x-request-id": String(res.locals.requestId ?? ""),
    };
    this.silenceLimited = this.ids.length > 0;
  }

  // ---- endings: each runs at most once per exchange, whichever comes first ----

  /** Marks the exchange over and releases what it holds (request count, drain hook, cancel registration). */
  private complete(): void {
    this.done = true;
    clearTimeout(this.timer);
    for (const release of this.releases) release();
  }

  private finish(sink: { end(): void }): void {
    if (this.done) return;
    this.complete();
    sink.end();
  }

  private fail(status: 502 | 503 | 504, message: string): void {
    if (this.done) return;
    this.deps.logger.warn({ upstream: this.deps.target.name, status, reason: message }, "upstream failed");
    this.complete();
    this.upstream.destroy();
    failExchange(this.res, status, this.ids, message);
  }

  /** The client cancelled a request of this exchange: closing it is the upstream's signal. */
  private cut(reason: string): void {
    if (this.done) return;
    this.stop();
    answerWithErrors(this.res, this.ids, Array.isArray(this.req.body), {
      code: UPSTREAM_ERROR_CODE,
      message: `Request cancelled: ${reason}`,
    });
  }

  /** The caller went away first: stop the upstream work it asked for. */
  private abandon(): void {
    if (this.done) return;
    this.stop();
    postCancels(this.deps.target, this.ids, this.headers);
  }

  /** Still running when the drain's grace period ends: each request gets the drain's error, then the end. */
  private abortForDrain(): void {
    if (this.done) return;
    this.stop();
    postCancels(this.deps.target, this.ids, this.headers);
    answerWithErrors(this.res, this.ids, Array.isArray(this.req.body), DRAIN_ABORT_ERROR);
  }

  private stop(): void {
    this.complete();
    this.response?.destroy();
    this.upstream.destroy();
  }

  /** (Re)starts the silence timer; a stream, once open, may stay quiet. */
  private armSilenceTimer(): void {
    clearTimeout(this.timer);
    if (!this.silenceLimited && this.response) return;
    const { target, timeoutMs } = this.deps;
    this.timer = setTimeout(() => {
      this.fail(
        504,
        `${target.name} did not answer within ${timeoutMs / 1000} s (MCP_UPSTREAM_TIMEOUT_SECONDS)`,
      );
      postCancels(target, this.ids, this.headers);
    }, timeoutMs);
  }

  // ---- stages ----

  /** Opens the exchange, or answers 404 for a session this caller does not hold. */
  start(): void {
    const { lifecycle, sessions, open } = this.deps;
    if (typeof this.sessionId === "string" && !sessions.allows(this.sessionId, this.owner)) {
      sendSessionNotFound(this.res, this.sessionId);
      return;
    }
    if (this.silenceLimited) this.releases.push(lifecycle.beginRequest());
    this.releases.push(lifecycle.onDrainClose(() => this.abortForDrain()));
    this.releases.push(open.add(this.req, this.ids, (reason) => this.cut(reason)));
    this.send(true);
    this.res.once("close", () => this.abandon());
    this.armSilenceTimer();
  }

  private send(retryOnStaleSocket: boolean): void {
    const { body, headers } = this;
    const request = this.deps.target.request(
      this.req.method,
      body ? { ...headers, "content-length": body.length } : headers,
    );
    this.upstream = request;
    request.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the upstream closed just as it was reused: the request never reached it
      // (node's documented retry case), so sending it once more cannot run anything twice.
      if (retryOnStaleSocket && request.reusedSocket && error.code === "ECONNRESET" && !this.done) {
        this.send(false);
        return;
      }
      this.fail(502, `${this.deps.target.name} is unreachable or failed (${error.code ?? error.message})`);
    });
    request.on("response", (response) => this.relay(response));
    request.end(body);
  }

  private relay(response: IncomingMessage): void {
    const { req, res, sessionId } = this;
    this.response = response;
    this.armSilenceTimer();
    const status = response.statusCode ?? 502;
    const issued = response.headers["mcp-session-id"];
    if (typeof issued === "string" && issued !== sessionId) this.deps.sessions.record(issued, this.owner);
    if (req.method === "DELETE" && typeof sessionId === "string" && status < 300)
      this.deps.sessions.forget(sessionId);
    res.status(status);
    for (const header of RESPONSE_HEADERS) {
      const value = response.headers[header];
      if (value !== undefined) res.setHeader(header, value);
    }
    const streaming = String(response.headers["content-type"]).startsWith("text/event-stream");
    const sink = streaming ? new SseRelay(res, this.deps.heartbeatMs) : res;
    if (streaming) res.flushHeaders();
    response.on("data", (chunk: Buffer) => {
      this.armSilenceTimer();
      if (!sink.write(chunk)) {
        response.pause();
        res.once("drain", () => response.resume());
      }
    });
    response.on("end", () => this.finish(sink));
    response.on("close", () => {
      if (!response.complete)
        this.fail(502, `${this.deps.target.name} closed its response before the answer was complete`);
    });
  }
}
