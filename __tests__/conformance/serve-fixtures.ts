import { Server } from "node:http";
import { AddressInfo } from "node:net";
import { createMcpExpressApp } from "@modelcontextprotocol/express";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, type McpHttpHandler } from "@modelcontextprotocol/server";
import { createFixturesServer } from "./fixtures";

export interface RunningFixtures {
  /** `http://localhost:<port>/mcp` (the dns-rebinding scenario wants a localhost URL). */
  readonly url: string;
  readonly close: () => Promise<void>;
}

/**
 * Builds the app that serves the fixtures at /mcp: today the SDK's stock handler (2026-07-28 per request,
 * 2025-era requests stateless) behind the SDK's localhost Host/Origin checks.
 *
 * MERGE (one line, after the v2 migration lands): make this function
 *   `return createApp(loadConfig({ MCP_SESSION_MODE: "stateful" }), (ctx) => createFixturesServer(<the handler's notify>), { logger: pino({ level: "silent" }) });`
 * so the fixtures run on the product's middleware, with 2025-era sessions for sampling/elicitation. Without
 * the handler's `notify`, only the two list-changed SHOULD checks of server-stateless turn into warnings.
 */
function fixturesApp(): ReturnType<typeof createMcpExpressApp> {
  const app = createMcpExpressApp();
  const handler: McpHttpHandler = createMcpHandler(() => createFixturesServer(handler.notify));
  app.all("/mcp", (req, res) => void toNodeHandler(handler)(req, res, req.body));
  return app;
}

/** Serves the conformance fixtures on 127.0.0.1:`port` (0: any free port) at /mcp. */
export async function serveFixtures(port: number): Promise<RunningFixtures> {
  const http: Server = fixturesApp().listen(port, "127.0.0.1");
  await new Promise((resolve, reject) => http.once("listening", resolve).once("error", reject));
  return {
    url: `http://localhost:${(http.address() as AddressInfo).port}/mcp`,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
