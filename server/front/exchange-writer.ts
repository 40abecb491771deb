import type { Response } from "express";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/server";
import { SseRelay } from "./sse-relay";

/**
 * The answer to one POST whose requests the front answers from messages it gets one by one (stdio
 * upstream). Plain JSON when only responses come; an SSE stream with heartbeats as soon as anything else
 * (progress) comes first. `onDone` runs once, when every request is answered or the exchange is cut.
 */
export class ExchangeWriter {
  private readonly waiting: Set<RequestId>;
  private readonly responses: JSONRPCMessage[] = [];
  private relay?: SseRelay;
  private ended = false;

  constructor(
    private readonly res: Response,
    requestIds: readonly RequestId[],
    private readonly batch: boolean,
    private readonly heartbeatMs: number,
    private readonly onDone: () => void,
  ) {
    this.waiting = new Set(requestIds);
  }

  get pendingIds(): RequestId[] {
    return [...this.waiting];
  }

  get done(): boolean {
    return this.ended;
  }

  /** A response to one of the requests, or a notification about one (already mapped back to client ids). */
  deliver(message: JSONRPCMessage): void {
    if (this.ended) return;
    const id = "id" in message && ("result" in message || "error" in message) ? message.id : undefined;
    if (id !== undefined) {
      if (!this.waiting.delete(id)) return;
      if (this.relay) this.writeEvent(message);
      else this.responses.push(message);
      if (this.waiting.size === 0) this.finish();
      return;
    }
    if (!this.relay) this.startStream();
    this.writeEvent(message);
  }

  /** A request that was cancelled gets no answer (per the spec); the exchange ends when nothing else waits. */
  drop(id: RequestId): void {
    if (this.ended || !this.waiting.delete(id)) return;
    if (this.waiting.size > 0) return;
    if (this.responses.length > 0) this.finish();
    else this.cut();
  }

  /** Ends without waiting any longer (the client left, or draining is over). */
  cut(): void {
    if (this.ended) return;
    this.ended = true;
    this.relay?.end();
    if (!this.res.writableEnded) this.res.end();
    this.onDone();
  }

  private startStream(): void {
    this.res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    });
    this.res.flushHeaders();
    this.relay = new SseRelay(this.res, this.heartbeatMs);
    for (const response of this.responses.splice(0)) this.writeEvent(response);
  }

  private writeEvent(message: JSONRPCMessage): void {
    this.relay?.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  private finish(): void {
    if (!this.relay) {
      const body = JSON.stringify(this.batch ? this.responses : this.responses[0]);
      this.res.writeHead(200, {
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
      });
      this.res.end(body);
    }
    this.cut();
  }
}
