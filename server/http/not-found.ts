import { RequestHandler } from "express";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

/** The last route: any path nothing else served gets a JSON-RPC-shaped 404 instead of Express's HTML page. */
export function notFound(): RequestHandler {
  return (req, res) =>
    sendJsonRpcError(
      res,
      404,
      JsonRpcCode.ServerError,
      `Not Found: ${req.method} ${req.path} (MCP is served at /mcp)`,
    );
}
