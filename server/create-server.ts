import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SERVER_NAME, SERVER_VERSION } from "./version";
import { registerEcho } from "./tools/echo";

/** Builds the MCP server with its tools. Knows nothing of HTTP. */
export function createServer(): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: SERVER_VERSION });
  registerEcho(server);
  return server;
}
