import type { IncomingHttpHeaders } from "node:http";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import type { McpHttpHandler } from "@modelcontextprotocol/server";
import { answerIdOf } from "../http/json-rpc-envelope";
import { JsonRpcCode } from "../http/json-rpc-error";
import "../http/request-auth";

const isEventStream = (response: Response): boolean =>
  response.headers.get("content-type")?.toLowerCase().startsWith("text/event-stream") === true;

/** The request line and headers as a web Request, without a body: the body goes to the SDK as `parsedBody`. */
export function headRequest(req: ExpressRequest, signal?: AbortSignal): Request {
  const headers = new Headers();
  const given: IncomingHttpHeaders = req.headers;
  for (const name in given) {
    const value = given[name];
    // The body is not carried, so neither are the headers describing it.
    if (value === undefined || name === "content-length" || name === "transfer-encoding") continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return new Request(`http://${req.headers.host ?? "localhost"}${req.originalUrl}`, {
    method: req.method,
    headers,
    ...(signal && { signal }),
  });
}

/**
 * Writes an SSE answer as it comes, honouring backpressure, until it ends or the client goes away (the SDK
 * learns that from the request's signal). Shaped as `toNodeHandler` does it: one drain listener, no reader
 * held by hand (a first version with its own reader and a cancel on abort kept about 1.5 KB per call alive:
 * B3 grew 150 MB over 100k calls).
 */
async function pipeStream(body: ReadableStream<Uint8Array>, res: ExpressResponse, closed: AbortSignal) {
  let drained: (() => void) | undefined;
  res.on("drain", () => {
    drained?.();
    drained = undefined;
  });
  const gone = new Promise<void>((resolve) =>
    closed.addEventListener("abort", () => resolve(), { once: true }),
  );
  try {
    for await (const chunk of body) {
      if (closed.aborted) break;
      if (!res.write(chunk)) await Promise.race([new Promise<void>((resolve) => (drained = resolve)), gone]);
    }
  } catch {
    // The stream errored: end the response like an end of stream.
  }
}

/**
 * Serves the SDK's fetch handler (`createMcpHandler`) on express for a body our JSON-RPC body layer already
 * parsed. What `toNodeHandler` (@modelcontextprotocol/node) does, minus its two copies on every request: it
 * serialises the parsed body again into the web Request, which the SDK never reads when it gets `parsedBody`;
 * and it streams every answer chunked, so a JSON answer here is written once, with its Content-Length. SSE
 * answers (2025-era responses, slow calls upgraded to SSE, `subscriptions/listen`) stream as there: chunk by
 * chunk with backpressure, until the stream ends or the client goes away, which aborts the request's signal.
 * `req.auth` goes to the handler as `authInfo`. A failure before there is an answer is a JSON-RPC 500.
 */
export function fetchOnExpress(
  handler: Pick<McpHttpHandler, "fetch">,
  onerror: (error: Error) => void,
): (req: ExpressRequest, res: ExpressResponse) => Promise<void> {
  return async (req, res) => {
    const closed = new AbortController();
    let answered = false;
    res.once("close", () => {
      if (!answered) closed.abort();
    });
    let response: Response;
    try {
      response = await handler.fetch(headRequest(req, closed.signal), {
        ...(req.auth !== undefined && { authInfo: req.auth }),
        parsedBody: req.body,
      });
    } catch (error) {
      onerror(error instanceof Error ? error : new Error(String(error)));
      response = Response.json(
        {
          jsonrpc: "2.0",
          error: { code: JsonRpcCode.InternalError, message: "Internal server error" },
          id: answerIdOf(req.body),
        },
        { status: 500 },
      );
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    if (response.body === null || !isEventStream(response)) {
      const body = Buffer.from(await response.arrayBuffer());
      if (response.body !== null) headers["content-length"] = String(body.byteLength);
      answered = true;
      res.writeHead(response.status, headers);
      res.end(body);
      return;
    }
    res.writeHead(response.status, headers);
    await pipeStream(response.body, res, closed.signal);
    answered = true;
    res.end();
  };
}
