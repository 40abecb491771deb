import type { Response } from "express";
import type { RequestId } from "@modelcontextprotocol/server";
import { isRaw, type Outgoing } from "./raw-response";
import { SseRelay } from "./sse-relay";

/** A message's JSON text, in pieces as they will be written. */
type Text = readonly (string | Buffer)[];

function byteLength(text: Text): number {
  return text.reduce(
    (sum, piece) => sum + (typeof piece === "string" ? Buffer.byteLength(piece) : piece.length),
    0,
  );
}

/** The id a response answers; undefined for a notification. */
function answeredId(message: Outgoing): RequestId | undefined {
  if (isRaw(message)) return message.id;
  return "id" in message && ("result" in message || "error" in message) ? message.id : undefined;
}

/**
 * Bytes of a batch's answers held back to send them as one JSON array; past this, the answer becomes an
 * SSE stream so they go out (with backpressure) as they come instead of piling up in the front's memory.
 */
export const BATCH_BUFFER_BYTES = 256 * 1024;

/**
 * The answer to one POST whose requests the front answers from messages it gets one by one (stdio
 * upstream). Plain JSON when only responses come; an SSE stream with heartbeats as soon as anything else
 * (progress) comes first, or a batch's answers outgrow BATCH_BUFFER_BYTES. Every request gets an answer:
 * what ends one early (timeout, cancel, crash, drain) delivers a JSON-RPC error for it. `onDone` runs once,
 * when every request is answered or the client went away.
 */
export class ExchangeWriter {
  private readonly waiting: Set<RequestId>;
  private readonly responses: Text[] = [];
  private bufferedBytes = 0;
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

  /** The request ids (the client's) still waiting for their answer. */
  get pendingIds(): RequestId[] {
    return [...this.waiting];
  }

  /** Whether the response has ended: every request answered, or the exchange cut. */
  get done(): boolean {
    return this.ended;
  }

  /**
   * A response to one of the requests, or a notification about one (already mapped back to client ids).
   * Returns false when the client is not taking bytes as fast as they come: the sender should wait for
   * the response's `drain` (StdioChild.holdUntilDrained).
   */
  deliver(message: Outgoing): boolean {
    if (this.ended) return true;
    const id = answeredId(message);
    const text: Text = isRaw(message) ? message.chunks : [JSON.stringify(message)];
    if (id !== undefined) {
      if (!this.waiting.delete(id)) return true;
      let flowing = true;
      if (this.relay) flowing = this.writeEvent(text);
      else {
        this.responses.push(text);
        this.bufferedBytes += byteLength(text);
        if (this.bufferedBytes > BATCH_BUFFER_BYTES && this.waiting.size > 0) flowing = this.startStream();
      }
      if (this.waiting.size === 0) this.finish();
      return flowing && this.res.writableLength <= this.res.writableHighWaterMark;
    }
    if (!this.relay) this.startStream();
    return this.writeEvent(text);
  }

  /** Answers every request still waiting with `error` (the exchange then ends). */
  failPending(error: { code: number; message: string }): void {
    for (const id of this.pendingIds) this.deliver({ jsonrpc: "2.0", id, error: { ...error } });
  }

  /** Ends without answering: only for a client that went away (nobody is left to read an answer). */
  cut(): void {
    if (this.ended) return;
    this.ended = true;
    this.relay?.end();
    if (!this.res.writableEnded) this.res.end();
    this.onDone();
  }

  private startStream(): boolean {
    this.res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    });
    this.res.flushHeaders();
    this.relay = new SseRelay(this.res, this.heartbeatMs);
    let flowing = true;
    for (const text of this.responses.splice(0)) flowing = this.writeEvent(text) && flowing;
    this.bufferedBytes = 0;
    return flowing;
  }

  private writeEvent(text: Text): boolean {
    if (!this.relay) return true;
    if (text.length === 1 && typeof text[0] === "string")
      return this.relay.write(`event: message\ndata: ${text[0]}\n\n`);
    this.relay.write("event: message\ndata: ");
    for (const piece of text) this.relay.write(piece);
    return this.relay.write("\n\n");
  }

  private finish(): void {
    if (!this.relay) {
      const body: (string | Buffer)[] = this.batch
        ? ["[", ...this.responses.flatMap((text, i) => (i === 0 ? text : [",", ...text])), "]"]
        : [...this.responses[0]];
      this.res.writeHead(200, { "Content-Type": "application/json", "Content-Length": byteLength(body) });
      for (const piece of body.slice(0, -1)) this.res.write(piece);
      this.res.end(body[body.length - 1]);
    }
    this.cut();
  }
}
