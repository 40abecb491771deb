import type { RequestHandler } from "express";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

/** 405 with an Allow header, for the methods an MCP path does not serve. */
export function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) =>
    sendJsonRpcError(
      res,
      405,
      JsonRpcCode.ServerError,
      `Method Not Allowed: ${req.method} ${req.path} (allowed: ${allow})`,
      { Allow: allow },
    );
}
