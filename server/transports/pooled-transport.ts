import { Response } from "express";
import { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from "@modelcontextprotocol/sdk/types.js";

/** How an exchange ended: answered (the server may serve the next request) or abandoned by the client. */
export type ExchangeEnd = "answered" | "abandoned";

/**
 * One stateless Streamable HTTP POST, written straight to the express response (no conversion to web
 * Request/Response objects). Answers a plain JSON body when the responses are all there is to send;
 * switches to an SSE stream, with heartbeats, as soon as a request emits anything else first (progress,
 * logging).
 */
class Exchange {
  readonly pending = new Set<RequestId>();
  private readonly responses: JSONRPCMessage[] = [];
  private streaming = false;
  private heartbeat?: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly res: Response,
    private readonly heartbeatMs: number,
    private readonly batch: boolean,
    private readonly onEnd: (end: ExchangeEnd) => void,
  ) {
    res.once("close", () => this.end("abandoned"));
  }

  deliver(message: JSONRPCMessage, options?: TransportSendOptions): void {
    if (this.ended) return;
    const isResponse = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    if (isResponse && message.id !== undefined && this.pending.delete(message.id)) {
      if (this.streaming) this.writeEvent(message);
      else this.responses.push(message);
      if (this.pending.size === 0) this.finish();
      return;
    }
    // Notifications unrelated to a request have nowhere to go without a session; they are dropped.
    const related = options?.relatedRequestId;
    if (related === undefined || !this.pending.has(related)) return;
    if (!this.streaming) this.startStream();
    this.writeEvent(message);
  }

  /** Nothing to answer (only notifications or responses were posted): 202, per the spec. */
  acceptWithoutAnswer(): void {
    this.res.status(202).end();
    this.end("answered");
  }

  end(how: ExchangeEnd): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
    this.onEnd(how === "abandoned" && this.pending.size === 0 ? "answered" : how);
  }

  private startStream(): void {
    this.streaming = true;
    this.res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    this.res.flushHeaders();
    this.heartbeat = setInterval(() => this.res.write(": keepalive\n\n"), this.heartbeatMs);
    this.heartbeat.unref();
    for (const response of this.responses.splice(0)) this.writeEvent(response);
  }

  private writeEvent(message: JSONRPCMessage): void {
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  private finish(): void {
    if (!this.streaming) {
      const body = JSON.stringify(this.batch ? this.responses : this.responses[0]);
      // Plain node write: express's res.send would also hash the body for an ETag nobody uses here.
      this.res.writeHead(200, {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
      });
      this.res.end(body);
    }
    this.end("answered");
  }
}

/**
 * The transport a pooled McpServer stays connected to for its whole life, serving one POST at a time.
 * Connecting and closing a server per request costs more than a small request itself: the SDK builds a
 * "Connection closed" error and aborts every handler's signal (a DOMException each) on every close.
 */
export class PooledTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private exchange?: Exchange;
  private closed = false;

  async start(): Promise<void> {}

  /**
   * Feeds one POST body (a message or a batch) to the server and answers on `res`. `onEnd` runs once the
   * exchange is over: "answered" when every request got its response, "abandoned" when the client went away
   * first (the unanswered requests are cancelled, which stops their tools).
   */
  serve(
    res: Response,
    heartbeatMs: number,
    body: JSONRPCMessage | JSONRPCMessage[],
    requestInfo: MessageExtraInfo["requestInfo"],
    authInfo: AuthInfo | undefined,
    onEnd: (end: ExchangeEnd) => void,
  ): void {
    const messages = Array.isArray(body) ? body : [body];
    const exchange = new Exchange(res, heartbeatMs, Array.isArray(body), (end) => {
      if (this.exchange === exchange) this.exchange = undefined;
      if (end === "abandoned") this.cancel(exchange.pending);
      onEnd(end);
    });
    this.exchange = exchange;
    for (const message of messages) if (isJSONRPCRequest(message)) exchange.pending.add(message.id);
    if (exchange.pending.size === 0) exchange.acceptWithoutAnswer();
    for (const message of messages) this.onmessage?.(message, { authInfo, requestInfo });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (!this.closed) this.exchange?.deliver(message, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.exchange?.end("abandoned");
    this.onclose?.();
  }

  private cancel(requestIds: Iterable<RequestId>): void {
    for (const requestId of [...requestIds]) {
      this.onmessage?.({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId, reason: "the client closed the response" },
      });
    }
  }
}
