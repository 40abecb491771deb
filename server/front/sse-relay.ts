import type { Response } from "express";

/** True when the bytes end with a blank line (`\n\n` or `\r\n\r\n`): the end of an SSE event. */
function endsEvent(chunk: Buffer): boolean {
  const n = chunk.length;
  if (n < 2 || chunk[n - 1] !== 0x0a) return false;
  return chunk[n - 2] === 0x0a || (n >= 4 && chunk[n - 2] === 0x0d && chunk[n - 3] === 0x0a);
}

/**
 * Writes an SSE stream to the client (bytes relayed from an upstream, or events of our own) and adds a
 * keepalive comment every `heartbeatMs`, only between events, so Azure's 240 s idle timeout never cuts a
 * quiet stream. Heartbeats stop when the response ends.
 */
export class SseRelay {
  private atBoundary = true;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly res: Response,
    heartbeatMs: number,
  ) {
    this.timer = setInterval(() => {
      if (this.atBoundary && !res.writableEnded) res.write(": keepalive\n\n");
    }, heartbeatMs);
    this.timer.unref();
    res.once("close", () => clearInterval(this.timer));
  }

  /** Relays a chunk as is; a chunk may end mid-event, so heartbeats wait for the next blank line. */
  write(chunk: Buffer | string): boolean {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (bytes.length > 0) this.atBoundary = endsEvent(bytes);
    return this.res.write(chunk);
  }

  /** Stops the heartbeats and ends the response (once). */
  end(): void {
    clearInterval(this.timer);
    if (!this.res.writableEnded) this.res.end();
  }
}
