import { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { RequestHandler } from "express";

function isEventStream(headers: OutgoingHttpHeaders): boolean {
  return Object.entries(headers).some(
    ([name, value]) => name.toLowerCase() === "content-type" && String(value).startsWith("text/event-stream"),
  );
}

/**
 * Sends the head of an SSE response by the end of this turn of the event loop unless a body write carried it
 * by then: an answer ready at once (a fast 2025-era call) goes out with its head in one write.
 */
function flushHeadSoon(res: ServerResponse): void {
  let wrote = false;
  const write = res.write;
  res.write = ((...args: Parameters<typeof write>) => {
    wrote = true;
    res.write = write;
    return write.apply(res, args);
  }) as typeof write;
  setImmediate(() => {
    if (!wrote && !res.writableEnded && !res.destroyed) res.flushHeaders();
  });
}

/**
 * Two fixes to how the SDK's node adapter answers, applied where it writes its head:
 * - its SSE responses set `Connection: keep-alive`, which makes Node keep the socket open even when the
 *   client asked for `Connection: close` (its reader then waits for an end that never comes). Keep-alive is
 *   HTTP/1.1's default anyway, so the header is dropped and Node decides from the request;
 * - Node holds a head back until the first body write, so an SSE response without events yet (a slow call)
 *   would send nothing until its first keepalive, MCP_SSE_HEARTBEAT_SECONDS later. Its head goes out at once
 *   (flushHeadSoon: at the latest when this turn of the event loop ends).
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
    if (stream) flushHeadSoon(res);
    return result;
  }) as typeof res.writeHead;
  next();
};
