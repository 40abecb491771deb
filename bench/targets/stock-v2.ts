// Anchor: the MCP v2 SDK's stock handler, createMcpHandler, serving the echo tool to both protocol eras from
// one per-request factory (2026-07-28 requests on the modern path, 2025-era requests on its stateless
// legacy fallback), with no product middleware. The same echo tool as the bundled server: its schema and
// answer.
import express from "express";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

const inputSchema = { message: z.string().max(10_000).describe("Text to send back") };

function buildServer(): McpServer {
  const server = new McpServer({ name: "stock-v2", version: "1.0.0" });
  server.registerTool("echo", { description: "Echoes the message", inputSchema }, async ({ message }) => ({
    content: [{ type: "text", text: message }],
  }));
  return server;
}

const handler = toNodeHandler(createMcpHandler(buildServer));
const app = express();
app.use(express.json());
app.post("/mcp", (req, res) => void handler(req, res, req.body));
app.get("/", (_req, res) => {
  res.send("ok");
});
app.listen(Number(process.env.PORT), "127.0.0.1");
