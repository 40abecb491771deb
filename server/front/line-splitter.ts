/** A line from a child passed the limit before its newline came. */
export class LineTooLongError extends Error {
  constructor(
    /** The limit the line went past (MCP_UPSTREAM_MAX_LINE_BYTES for a child's stdout). */
    readonly maxBytes: number,
  ) {
    super(`a line longer than ${maxBytes} bytes`);
  }
}

/**
 * Splits a byte stream into lines ("\n", an optional "\r" before it dropped) without ever holding more than
 * `maxBytes` of an unfinished line: readline keeps a line of any length in a string, so a child writing
 * without newlines could take the whole process down. Past the limit, `overflow` decides: "fail" throws
 * LineTooLongError (stdout: the protocol is broken), "truncate" keeps the first `maxBytes` and drops the
 * rest of that line (stderr: only logged).
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private held = 0;
  private skipping = false;

  constructor(
    private readonly maxBytes: number,
    private readonly overflow: "fail" | "truncate",
  ) {}

  /** The lines this chunk completes, in order. */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      this.hold(chunk.subarray(start, end), lines);
      if (newline === -1) break;
      this.completeLine(lines);
      start = newline + 1;
    }
    return lines;
  }

  /** Bytes of the unfinished line held now. */
  get heldBytes(): number {
    return this.held;
  }

  private hold(piece: Buffer, lines: Buffer[]): void {
    if (this.skipping || piece.length === 0) return;
    if (this.held + piece.length <= this.maxBytes) {
      this.parts.push(piece);
      this.held += piece.length;
      return;
    }
    if (this.overflow === "fail") {
      this.parts = [];
      this.held = 0;
      throw new LineTooLongError(this.maxBytes);
    }
    this.parts.push(piece.subarray(0, this.maxBytes - this.held));
    this.held = this.maxBytes;
    lines.push(this.take());
    this.skipping = true;
  }

  private completeLine(lines: Buffer[]): void {
    if (this.skipping) {
      this.skipping = false;
      return;
    }
    let line = this.take();
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    lines.push(line);
  }

  private take(): Buffer {
    const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.held);
    this.parts = [];
    this.held = 0;
    return line;
  }
}
