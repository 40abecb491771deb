import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import type { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { headRequest } from "./fetch-on-express";
import "../http/request-auth";

/**
 * Serves one request of a stateful session on the SDK's web-standard transport, which decides everything
 * the protocol says (validation, status, SSE framing, resumption); this only carries it between express and
 * the web objects. What the SDK's node transport does through hono's adapter, minus what an idle session's
 * GET stream kept alive there (a `Request` wrapper, an abort controller and hono's read loop, about 10 KB of
 * heap a stream): the web `Request` here has no signal and is dropped once the SDK has answered, and the
 * SSE body is read by one reader, cancelled when the client goes, so the SDK frees the stream at once (a
 * client reconnecting its GET stream must not meet a 409 from a stream already gone).
 *
 * Resolves once the answer's head is written: an SSE body goes on streaming on its own (pipeEvents ends the
 * response however the stream ends). Waiting for it would keep the request's whole middleware and router
 * chain, which awaits this promise, alive for as long as the stream is open: 3.3 KB of heap on every idle
 * GET stream.
 */
export async function serveSessionRequest(
  transport: WebStandardStreamableHTTPServerTransport,
  req: ExpressRequest,
  res: ExpressResponse,
): Promise<void> {
  const response = await transport.handleRequest(headRequest(req), {
    ...(req.auth !== undefined && { authInfo: req.auth }),
    ...(req.method === "POST" && { parsedBody: req.body }),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  if (response.body === null) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    const body = Buffer.from(await response.arrayBuffer());
    headers["content-length"] = String(body.byteLength);
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  pipeEvents(response.body.getReader(), res).catch(() => res.destroy());
}

/** Writes SSE chunks as the SDK enqueues them, with backpressure, until the stream ends or the client goes. */
async function pipeEvents(reader: ReadableStreamDefaultReader<Uint8Array>, res: ExpressResponse) {
  let drained: (() => void) | undefined;
  const onDrain = () => {
    drained?.();
    drained = undefined;
  };
  const onClose = () => {
    onDrain();
    // Resolves a pending read as done and runs the SDK's cancel: its stream mapping and keepalive go now.
    reader.cancel().catch(() => undefined);
  };
  res.on("drain", onDrain);
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await new Promise<void>((resolve) => (drained = resolve));
    }
  } catch {
    // The stream errored: end the response like an end of stream.
  } finally {
    res.off("drain", onDrain);
    res.off("close", onClose);
  }
  res.end();
}
