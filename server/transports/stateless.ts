import { Request, RequestHandler } from "express";
import "../http/request-auth";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { JSONRPCMessage, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { Lifecycle } from "../lifecycle";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { ServerPool } from "./server-pool";

export function requestInfoOf(req: Request): { headers: Request["headers"]; url: URL } {
  return { headers: req.headers, url: new URL(req.originalUrl, `http://${req.headers.host ?? "localhost"}`) };
}

/**
 * POST /mcp without sessions: any replica can answer any request. Each request borrows a ready, connected
 * server from a pool, so per-request work is parsing and the tool call itself.
 */
export function statelessPost(
  serverFactory: () => McpServer,
  lifecycle: Lifecycle,
  heartbeatMs: number,
): RequestHandler {
  const pool = new ServerPool(serverFactory, (transport) => lifecycle.track(transport));
  return async (req, res) => {
    const version = req.headers["mcp-protocol-version"];
    if (typeof version === "string" && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      sendJsonRpcError(
        res,
        400,
        JsonRpcCode.ServerError,
        `Bad Request: unsupported MCP-Protocol-Version '${version}' (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`,
      );
      return;
    }
    const entry = await pool.acquire();
    const body = req.body as JSONRPCMessage | JSONRPCMessage[];
    entry.transport.serve(res, heartbeatMs, body, requestInfoOf(req), req.auth, (end) => {
      if (end === "abandoned") pool.discard(entry);
      // After the SDK's own bookkeeping for the answered request (it runs once the response is sent).
      else setImmediate(() => pool.release(entry));
    });
  };
}
