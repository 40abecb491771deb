import type { RequestHandler } from "express";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

/**
 * A request body must arrive within `timeoutMs` of the request (MCP_REQUEST_TIMEOUT_SECONDS): a client that
 * dribbles its body gets 408 with a JSON-RPC error, and its connection is closed, so it holds no slot longer.
 * Node's own requestTimeout (http-server.ts) is the backstop for what never reaches express.
 */
export function bodyDeadline(timeoutMs: number): RequestHandler {
  return (req, res, next) => {
    if (req.complete) return next();
    const started = performance.now();
    // A body that came with its head is complete by the end of this turn of the event loop: only a body
    // still arriving then costs a timer.
    setImmediate(() => {
      if (req.complete || res.headersSent || res.closed) return;
      const timer = setTimeout(
        () => {
          if (req.complete || res.headersSent) return;
          sendJsonRpcError(
            res,
            408,
            JsonRpcCode.ServerError,
            `Request Timeout: the request body did not arrive within ${timeoutMs / 1000} s (MCP_REQUEST_TIMEOUT_SECONDS)`,
            { Connection: "close" },
          );
          res.once("finish", () => req.socket.destroy());
        },
        Math.max(0, timeoutMs - (performance.now() - started)),
      );
      const stop = (): void => clearTimeout(timer);
      req.once("end", stop);
      res.once("close", stop);
    });
    next();
  };
}
