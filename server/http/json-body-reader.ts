import type { Request, RequestHandler } from "express";

/** A failure of the body read, shaped as body-parser's errors are (`type`, `status`), for one error handler. */
export interface BodyReadError {
  /** body-parser's error type (`entity.parse.failed`, `request.aborted`, ...), which the error handler maps to an answer. */
  readonly type: string;
  /** The HTTP status body-parser would answer with. */
  readonly status: number;
  /** What went wrong, as body-parser's own message would say it. */
  readonly message: string;
}

/** What the fused reader does once the bytes are in: bound-check and scan them, then parse (or throw). */
export interface JsonBodyReader {
  /** MCP_MAX_BODY_BYTES: a longer declared Content-Length is left to body-parser, which answers 413. */
  readonly maxBodyBytes: number;
  /** Throws a {@link BodyReadError} for bytes past a shape limit (body-parser's `verify` hook does the same). */
  readonly verify: (req: Request, bytes: Buffer) => void;
}

/**
 * The length of a body the fused reader can take: identity-encoded, with a Content-Length from 1 to the
 * limit, no Transfer-Encoding, still unread. Anything else (empty, too large, chunked, compressed, already
 * read) is body-parser's, whose answers stay the reference.
 */
function fusedLength(req: Request, maxBodyBytes: number): number | undefined {
  const headers = req.headers;
  if (headers["transfer-encoding"] !== undefined) return undefined;
  const encoding = headers["content-encoding"];
  if (encoding !== undefined && encoding.toLowerCase() !== "identity") return undefined;
  const declared = headers["content-length"];
  if (declared === undefined) return undefined;
  // node's HTTP parser answers 400 to a Content-Length that is not decimal digits before express sees it.
  const length = Number(declared);
  if (!Number.isInteger(length) || length <= 0 || length > maxBodyBytes) return undefined;
  if (!req.readable || req.readableEnded || req.readableEncoding !== null) return undefined;
  return length;
}

const UTF8_BOM = 0xfeff;

/**
 * Reads an identity-encoded JSON body with a Content-Length in one pass of our own: collect the bytes,
 * `verify` them, decode UTF-8 (a leading BOM dropped, as body-parser's decoder does), `JSON.parse`. Every
 * other body goes to `fallback` (body-parser). The outcomes are body-parser's: `req.body` set and `next()`,
 * or `next(error)` with its error types (`entity.parse.failed`, `request.aborted`, `request.size.invalid`,
 * the verify hook's own), so one error handler answers both. What is saved per request is raw-body's
 * listeners and closures, on-finished, the decoder stream and http-errors objects.
 */
export function fusedJsonBody(reader: JsonBodyReader, fallback: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const length = fusedLength(req, reader.maxBodyBytes);
    if (length === undefined) fallback(req, res, next);
    else new BodyRead(req, length, reader, next).start();
  };
}

/**
 * One body being read. Its listeners stay on the request once it settled (the stream has ended or failed,
 * and `settled` ignores anything later), which saves removing four listeners on every request.
 */
class BodyRead {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private settled = false;

  constructor(
    private readonly req: Request,
    private readonly length: number,
    private readonly reader: JsonBodyReader,
    private readonly next: (error?: unknown) => void,
  ) {}

  start(): void {
    const req = this.req;
    req.on("data", (chunk: Buffer) => {
      this.received += chunk.length;
      this.chunks.push(chunk);
    });
    req.on("end", () => this.end());
    req.on("aborted", () => this.fail({ type: "request.aborted", status: 400, message: "request aborted" }));
    req.on("error", (error: Error) => this.fail(Object.assign(error, { status: 400 })));
  }

  private end(): void {
    if (this.settled) return;
    this.settled = true;
    if (this.received !== this.length) {
      this.next({
        type: "request.size.invalid",
        status: 400,
        message: "request size did not match content length",
      });
      return;
    }
    const bytes = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received);
    try {
      this.reader.verify(this.req, bytes);
    } catch (error) {
      this.next(error);
      return;
    }
    let text = bytes.toString("utf8");
    if (text.charCodeAt(0) === UTF8_BOM) text = text.slice(1);
    try {
      this.req.body = text.length === 0 ? {} : JSON.parse(text);
    } catch (error) {
      this.next({ type: "entity.parse.failed", status: 400, message: (error as Error).message });
      return;
    }
    this.next();
  }

  private fail(error: BodyReadError | Error): void {
    if (this.settled) return;
    this.settled = true;
    this.next(error);
  }
}
