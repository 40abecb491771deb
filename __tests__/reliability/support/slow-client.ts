import { connect, Socket } from "node:net";

export interface SlowAnswer {
  /** The HTTP status the server answered with, if any came before the connection closed. */
  readonly status?: number;
  readonly body: string;
  /** From the first byte sent to the connection's close. */
  readonly heldMs: number;
}

export interface SlowClient {
  readonly answer: Promise<SlowAnswer>;
  /** Resolves once the server has accepted the connection. */
  readonly connected: Promise<void>;
  readonly destroy: () => void;
}

/**
 * A client that sends `head` (request line and headers, or only part of them) and then one more byte of
 * `rest` every `intervalMs`, the way a slow-loris client holds a connection open. Stops when the server
 * closes the connection or answers.
 */
export function slowClient(port: number, head: string, rest: string, intervalMs: number): SlowClient {
  const socket: Socket = connect(port, "127.0.0.1");
  const started = Date.now();
  const chunks: Buffer[] = [];
  let timer: NodeJS.Timeout | undefined;
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const answer = new Promise<SlowAnswer>((resolve) => {
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      const body = text.slice(text.indexOf("\r\n\r\n") + 4);
      resolve({
        status: status === undefined ? undefined : Number(status),
        body,
        heldMs: Date.now() - started,
      });
    });
  });
  void connected.then(() => {
    socket.write(head);
    let sent = 0;
    timer = setInterval(() => {
      if (sent >= rest.length || socket.destroyed) return clearInterval(timer);
      socket.write(rest[sent++]);
    }, intervalMs);
  });
  return { answer, connected, destroy: () => socket.destroy() };
}

/** The head of a POST /mcp with a body of `bodyLength` bytes still to come. */
export function postHead(bodyLength: number, headers: Record<string, string> = {}): string {
  const lines = Object.entries({
    Host: "127.0.0.1",
    "Content-Type": "application/json",
    Accept: "application/json, text/event-stream",
    "Content-Length": String(bodyLength),
    ...headers,
  }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST /mcp HTTP/1.1\r\n${lines.join("")}\r\n`;
}
