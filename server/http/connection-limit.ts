import { RequestHandler } from "express";
import { Lifecycle } from "../lifecycle";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

const RETRY_AFTER_SECONDS = "5";

/** While draining, new MCP work is refused with 503 (the load balancer sends it to another replica). */
export function refuseWhileDraining(lifecycle: Lifecycle): RequestHandler {
  return (_req, res, next) => {
    if (!lifecycle.draining) return next();
    sendJsonRpcError(res, 503, JsonRpcCode.ServerError, "Service Unavailable: the server is shutting down", {
      "Retry-After": RETRY_AFTER_SECONDS,
      Connection: "close",
    });
  };
}

/** At most `maxConnections` MCP requests and streams open at once; the count drops when the response closes. */
export function connectionLimit(lifecycle: Lifecycle, maxConnections: number): RequestHandler {
  return (_req, res, next) => {
    if (lifecycle.openConnections >= maxConnections) {
      sendJsonRpcError(
        res,
        503,
        JsonRpcCode.ServerError,
        `Service Unavailable: too many open connections (MCP_MAX_CONNECTIONS=${maxConnections})`,
        {
          "Retry-After": RETRY_AFTER_SECONDS,
        },
      );
      return;
    }
    res.on("close", lifecycle.openConnection());
    next();
  };
}
