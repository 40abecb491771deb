import { Request, RequestHandler } from "express";
import "../http/request-auth";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { JSONRPCMessage, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { Lifecycle } from "../lifecycle";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { ServerPool } from "./server-pool";
import { SingleRequestTransport } from "./single-request-transport";

export function requestInfoOf(req: Request): { headers: Request["headers"]; url: URL } {
  return { headers: req.headers, url: new URL(req.originalUrl, `http://${req.headers.host ?? "localhost"}`) };
}

/**
 * POST /mcp without sessions: any replica can answer any request. Each request borrows a ready server from
 * a pool and gets a light transport of its own, so per-request work is parsing and the tool call itself.
 */
export function statelessPost(
  serverFactory: () => McpServer,
  lifecycle: Lifecycle,
  heartbeatMs: number,
): RequestHandler {
  const pool = new ServerPool(serverFactory);
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
    const server = pool.acquire();
    const transport = new SingleRequestTransport(res, heartbeatMs);
    transport.onclose = () => {
      // Protocol.connect chains its own onclose after this one; release once the server has let go.
      queueMicrotask(() => pool.release(server));
    };
    await server.connect(transport);
    lifecycle.track(transport);
    transport.receive(req.body as JSONRPCMessage | JSONRPCMessage[], requestInfoOf(req), req.auth);
  };
}
