import type { Response as ExpressResponse } from "express";
import type {
  JSONRPCMessage,
  JSONRPCRequest,
  McpServer,
  MessageExtraInfo,
  ProtocolEra,
  RequestId,
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/server";
import { ProtocolErrorCode } from "@modelcontextprotocol/server";

const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
} as const;
const KEEPALIVE_FRAME = ": keepalive\n\n";

const frame = (message: JSONRPCMessage): string => `event: message\ndata: ${JSON.stringify(message)}\n\n`;

/** A result or error (as opposed to a request or notification); cheap shape test, no schema parse. */
const isAnswer = (message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } =>
  !("method" in message) && "id" in message;

/** The timings of one 2026-07-28 exchange on the hot path. */
export interface ExchangeTiming {
  /** The SDK's SSE keepalive interval (MCP_SSE_HEARTBEAT_SECONDS). */
  readonly keepAliveMs: number;
  /** A 2026-07-28 call unanswered after this long becomes an SSE answer (instrument.ts SLOW_CALL_SSE_AFTER_MS). */
  readonly slowCallSseAfterMs: number;
}

/**
 * One HTTP exchange served on a {@link HotConnection}: writes what the SDK's per-request transports would have
 * produced for it, straight to the node response.
 * - 2026-07-28 (`PerRequestHTTPServerTransport`, `auto` mode): the answer alone is JSON (HTTP 200; -32021 is
 *   400 as the spec requires); anything the handler emits before it, or a call still running after
 *   `slowCallSseAfterMs`, turns the answer into an SSE stream with keepalives.
 * - 2025 era (the stateless `WebStandardStreamableHTTPServerTransport`): always an SSE stream, its head sent by
 *   the end of this turn of the event loop unless the answer is already there, with keepalives.
 */
class Exchange {
  /** True while the message is being delivered synchronously: an answer sent then is a pre-handler rejection. */
  dispatching = false;
  /** A pre-handler rejection happened: the SDK path must answer this request instead. */
  rejected = false;
  done = false;
  private streaming = false;
  private keepAlive?: NodeJS.Timeout;
  private slowTimer?: NodeJS.Timeout;
  /** The end of dispatch's turn of the event loop: a call unanswered then streams (2025) or arms slowTimer. */
  private endOfTurn?: NodeJS.Immediate;

  constructor(
    readonly id: RequestId,
    private readonly era: ProtocolEra,
    private readonly res: ExpressResponse,
    private readonly timing: ExchangeTiming,
    private readonly onDone: () => void,
  ) {}

  /**
   * Once dispatch has not answered at once: the early head (2025 era) at the end of this turn of the event
   * loop, or (modern) the slow-call upgrade, whose timer is armed only for a call still running then. Most
   * calls are answered within the turn and never cost a timer.
   */
  armAfterDispatch(): void {
    if (this.done || this.rejected) return;
    const started = this.era === "modern" ? performance.now() : 0;
    this.endOfTurn = setImmediate(() => {
      this.endOfTurn = undefined;
      if (this.era !== "modern") return this.startStream();
      const left = this.timing.slowCallSseAfterMs - (performance.now() - started);
      this.slowTimer = setTimeout(() => this.startStream(), Math.max(0, left));
      this.slowTimer.unref();
    });
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): void {
    if (this.done) return;
    if (isAnswer(message)) {
      if (message.id !== this.id) return;
      if (this.dispatching && "error" in message) {
        this.rejected = true;
        return;
      }
      this.answer(message);
      return;
    }
    if (options?.relatedRequestId !== this.id) return;
    this.startStream();
    this.res.write(frame(message));
  }

  /** Forgets a rejected request without releasing the connection (the caller still holds it). */
  discard(): void {
    this.done = true;
  }

  /** The client went away or the connection closed before an answer: nothing more is written. */
  abandon(): void {
    this.finish();
  }

  private answer(message: JSONRPCMessage): void {
    if (this.streaming) {
      this.res.end(frame(message));
    } else if (this.era === "modern") {
      const missingCapability =
        "error" in message && message.error.code === ProtocolErrorCode.MissingRequiredClientCapability;
      this.endWhole(missingCapability ? 400 : 200, "application/json", JSON.stringify(message));
    } else {
      this.endWhole(200, "text/event-stream", frame(message));
    }
    this.finish();
  }

  /**
   * An answer in one piece: head and body in one write, with its Content-Length (no chunked framing). The
   * head is left to `end` (no writeHead), so nothing waits to flush an SSE head that goes out with its body.
   */
  private endWhole(status: number, contentType: string, body: string): void {
    const res = this.res;
    res.statusCode = status;
    res.setHeader("content-type", contentType);
    if (contentType === "text/event-stream") {
      res.setHeader("cache-control", SSE_HEADERS["cache-control"]);
      res.setHeader("x-accel-buffering", SSE_HEADERS["x-accel-buffering"]);
    }
    res.end(body);
  }

  private startStream(): void {
    if (this.streaming || this.done) return;
    this.streaming = true;
    clearTimeout(this.slowTimer);
    if (this.endOfTurn) clearImmediate(this.endOfTurn);
    this.res.writeHead(200, SSE_HEADERS);
    this.res.flushHeaders();
    this.keepAlive = setInterval(() => this.res.write(KEEPALIVE_FRAME), this.timing.keepAliveMs);
    this.keepAlive.unref();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.slowTimer);
    clearInterval(this.keepAlive);
    if (this.endOfTurn) clearImmediate(this.endOfTurn);
    this.onDone();
  }
}

/**
 * A long-lived transport for one pooled server: connected once, then it carries one request at a time, each
 * answered on its own HTTP exchange. The server's own dispatch (era gate, method registry, envelope check,
 * params validation, the tool's argument validation, result encoding, error codes) runs exactly as on the
 * SDK's per-request transports; what is saved is the per-request transport, `connect`, web Request/Response
 * and the serialisation between them.
 */
class HotTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  exchange?: Exchange;
  private closed = false;

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    this.exchange?.send(message, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.exchange?.abandon();
    this.onclose?.();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** What {@link HotConnection.serve} did with a request. */
export type ServeOutcome = "answering" | "rejected";

/**
 * A pooled server permanently connected to a {@link HotTransport}. It serves one request at a time, so ids,
 * per-request state and notifications never mix between callers. A connection whose client went away before
 * its answer is closed (the SDK aborts the handler) and never reused.
 */
export class HotConnection {
  private readonly transport = new HotTransport();

  private constructor(
    /** The pooled server, connected to this connection's transport for good. */
    readonly server: McpServer,
    /** The protocol era the server is bound to; the hot path only hands it requests of that era. */
    readonly era: ProtocolEra,
  ) {}

  /** Connects `server` (already bound to `era` by a first exchange through the SDK entry) for good. */
  static async open(server: McpServer, era: ProtocolEra): Promise<HotConnection> {
    const connection = new HotConnection(server, era);
    await server.connect(connection.transport);
    return connection;
  }

  /** Whether the transport closed (client gone, server closed it): the connection is never reused. */
  get broken(): boolean {
    return this.transport.isClosed;
  }

  /**
   * Delivers `message` through the server's own message path and answers on `res`. "rejected" means the
   * server refused the request before any handler ran (a pre-handler check answered with an error): nothing
   * was written, and the SDK path should answer it, so the rejection keeps the SDK's HTTP status and body.
   * `release` runs once the exchange is over (answered, or the client gone).
   */
  serve(
    message: JSONRPCRequest,
    extra: MessageExtraInfo,
    res: ExpressResponse,
    timing: ExchangeTiming,
    release: (connection: HotConnection) => void,
  ): ServeOutcome {
    const exchange = new Exchange(message.id, this.era, res, timing, () => {
      this.transport.exchange = undefined;
      release(this);
    });
    this.transport.exchange = exchange;
    // `on`, not `once`: a response closes once, and `once` wraps every listener.
    res.on("close", () => {
      if (exchange.done) return;
      // The client went away mid-call: close the connection, which aborts the handler, as the SDK does.
      void this.transport.close();
    });
    exchange.dispatching = true;
    try {
      this.transport.onmessage?.(message, extra);
    } finally {
      exchange.dispatching = false;
    }
    if (exchange.rejected) {
      exchange.discard();
      this.transport.exchange = undefined;
      return "rejected";
    }
    exchange.armAfterDispatch();
    return "answering";
  }
}
