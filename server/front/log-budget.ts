/** Bytes of child output a child may put into the logs per second, on average. */
export const CHILD_LOG_BYTES_PER_SECOND = 64 * 1024;
/** Bytes it may put there in one burst (a start-up banner, a stack trace). */
export const CHILD_LOG_BURST_BYTES = 256 * 1024;

/** What a log line costs besides the child's text (its JSON fields): many short lines are a flood too. */
const LINE_OVERHEAD_BYTES = 128;

/**
 * A token bucket over the bytes of one child's log lines, so a child writing to stderr as fast as it can
 * (or printing non-JSON to stdout) cannot flood the logs, or the log pipeline's bill: lines over budget are
 * counted and dropped, and the count is logged once the budget allows again.
 */
export class LogBudget {
  private tokens: number;
  private last: number;
  private droppedLines = 0;
  private droppedBytes = 0;

  constructor(
    private readonly perSecond = CHILD_LOG_BYTES_PER_SECOND,
    private readonly burst = CHILD_LOG_BURST_BYTES,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /**
   * Whether a line of `bytes` may be logged. When it may and lines were dropped before it, `dropped` reports
   * them (once) so the log says what it is missing.
   */
  admit(bytes: number): { admitted: boolean; dropped?: { lines: number; bytes: number } } {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    const cost = bytes + LINE_OVERHEAD_BYTES;
    if (this.tokens < cost) {
      this.droppedLines++;
      this.droppedBytes += bytes;
      return { admitted: false };
    }
    this.tokens -= cost;
    if (this.droppedLines === 0) return { admitted: true };
    const dropped = { lines: this.droppedLines, bytes: this.droppedBytes };
    this.droppedLines = 0;
    this.droppedBytes = 0;
    return { admitted: true, dropped };
  }

  /** Lines dropped since the last report (when the child exits), then none. */
  flush(): { lines: number; bytes: number } | undefined {
    if (this.droppedLines === 0) return undefined;
    const dropped = { lines: this.droppedLines, bytes: this.droppedBytes };
    this.droppedLines = 0;
    this.droppedBytes = 0;
    return dropped;
  }
}
