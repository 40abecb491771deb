import { connect } from "node:net";

/** What came back on one raw connection. `status` is undefined when the socket closed without a response. */
export interface RawAnswer {
  readonly status?: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Socket error seen (e.g. ECONNRESET, EPIPE), if any. */
  readonly socketError?: string;
  /** True when no complete answer arrived before the timeout. */
  readonly timedOut: boolean;
}

export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  /** Written as given, in order; Host and Connection: close are added unless present. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: Buffer | string;
  /** Leave out Content-Length (e.g. for a chunked body written by hand). @default false */
  readonly omitContentLength?: boolean;
}

/** The exact bytes of an HTTP/1.1 request; header values and body are not checked, so they can be anything. */
export function requestBytes(request: RawRequest): Buffer {
  const body =
    typeof request.body === "string" ? Buffer.from(request.body, "utf8") : (request.body ?? Buffer.alloc(0));
  const headers = [...(request.headers ?? [])];
  const has = (name: string) => headers.some(([key]) => key.toLowerCase() === name);
  if (!has("host")) headers.unshift(["Host", "127.0.0.1"]);
  if (!has("connection")) headers.push(["Connection", "close"]);
  if (!request.omitContentLength && !has("content-length"))
    headers.push(["Content-Length", String(body.length)]);
  const head = `${request.method ?? "POST"} ${request.path ?? "/mcp"} HTTP/1.1\r\n${headers
    .map(([key, value]) => `${key}: ${value}\r\n`)
    .join("")}\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", offset);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(offset, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parse(raw: Buffer): Omit<RawAnswer, "socketError" | "timedOut"> {
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd < 0) return { headers: {}, body: Buffer.alloc(0) };
  const [statusLine, ...lines] = raw.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine ?? "")?.[1];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(headEnd + 4);
  const body = headers["transfer-encoding"] === "chunked" ? dechunk(rest) : rest;
  return { status: status === undefined ? undefined : Number(status), headers, body };
}

/** Writes `bytes` on a fresh connection to 127.0.0.1:port and reads until the server closes it (Connection: close). */
export function rawExchange(port: number, bytes: Buffer, timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let socketError: string | undefined;
    const socket = connect(port, "127.0.0.1");
    const finish = (timedOut: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(Buffer.concat(chunks)), socketError, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => (socketError = error.code ?? error.message));
    socket.on("close", () => finish(false));
    // write, not end: a half-close (FIN) right after the request makes Node's server (httpAllowHalfOpen
    // false) end its side at once, so an answer that comes asynchronously (after a zlib error, say) is lost.
    socket.write(bytes);
  });
}
