import { OutgoingHttpHeaders } from "node:http";
import { RequestHandler } from "express";

/**
 * The SDK's SSE responses set `Connection: keep-alive` themselves, which makes Node keep the socket open
 * even when the client asked for `Connection: close` (its reader then waits for an end that never comes).
 * Keep-alive is HTTP/1.1's default anyway, so the header is dropped and Node decides from the request.
 */
export const leaveConnectionToNode: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    for (const arg of rest) {
      if (typeof arg !== "object" || arg === null || Array.isArray(arg)) continue;
      const headers = arg as OutgoingHttpHeaders;
      for (const name of Object.keys(headers)) {
        if (name.toLowerCase() === "connection" && String(headers[name]).toLowerCase() === "keep-alive") {
          delete headers[name];
        }
      }
    }
    return writeHead(status, ...rest);
  }) as typeof res.writeHead;
  next();
};
