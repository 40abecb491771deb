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

/**
 * The server side of one stateless Streamable HTTP POST, written straight to the express response (no
 * conversion to web Request/Response objects). Answers a plain JSON body when the responses are all there
 * is to send; switches to an SSE stream, with heartbeats, as soon as a request emits anything else first
 * (progress, logging). Closes itself, and so releases its server, when every request is answered or the
 * client goes away. Notifications unrelated to a request have nowhere to go in stateless mode and are dropped.
 */
export class SingleRequestTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  private readonly pending = new Set<RequestId>();
  private readonly responses: JSONRPCMessage[] = [];
  private streaming = false;
  private batch = false;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly res: Response,
    private readonly heartbeatMs: number,
  ) {
    res.once("close", () => void this.close());
  }

  async start(): Promise<void> {}

  /** Feeds the parsed POST body (one message or a batch) to the server. */
  receive(
    body: JSONRPCMessage | JSONRPCMessage[],
    requestInfo: MessageExtraInfo["requestInfo"],
    authInfo?: AuthInfo,
  ): void {
    const messages = Array.isArray(body) ? body : [body];
    for (const message of messages) if (isJSONRPCRequest(message)) this.pending.add(message.id);
    this.batch = Array.isArray(body);
    if (this.pending.size === 0) this.res.status(202).end();
    for (const message of messages) this.onmessage?.(message, { authInfo, requestInfo });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) return;
    const isResponse = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    if (isResponse && message.id !== undefined && this.pending.delete(message.id)) {
      if (this.streaming) this.writeEvent(message);
      else this.responses.push(message);
      if (this.pending.size === 0) this.finish();
      return;
    }
    const related = options?.relatedRequestId;
    if (related === undefined || !this.pending.has(related)) return;
    if (!this.streaming) this.startStream();
    this.writeEvent(message);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
    this.onclose?.();
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
    void this.close();
  }
}
