import { OutgoingHttpHeaders } from "node:http";
import { RequestHandler } from "express";

function isEventStream(headers: OutgoingHttpHeaders): boolean {
  return Object.entries(headers).some(
    ([name, value]) => name.toLowerCase() === "content-type" && String(value).startsWith("text/event-stream"),
  );
}

/**
 * Two fixes to how the SDK's node adapter answers, applied where it writes its head:
 * - its SSE responses set `Connection: keep-alive`, which makes Node keep the socket open even when the
 *   client asked for `Connection: close` (its reader then waits for an end that never comes). Keep-alive is
 *   HTTP/1.1's default anyway, so the header is dropped and Node decides from the request;
 * - Node holds a head back until the first body write, so an SSE response without events yet (a slow call)
 *   would send nothing until its first keepalive, MCP_SSE_HEARTBEAT_SECONDS later. Its head goes out at once.
 */
export const sdkResponseHeaders: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    let stream = false;
    for (const arg of rest) {
      if (typeof arg !== "object" || arg === null || Array.isArray(arg)) continue;
      const headers = arg as OutgoingHttpHeaders;
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === "connection" && String(headers[name]).toLowerCase() === "keep-alive") {
          delete headers[name];
        }
      }
      stream ||= isEventStream(headers);
    }
    const result = writeHead(status, ...rest);
    if (stream) res.flushHeaders();
    return result;
  }) as typeof res.writeHead;
  next();
};
