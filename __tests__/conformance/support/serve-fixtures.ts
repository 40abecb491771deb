import { Server } from "node:http";
import { AddressInfo } from "node:net";
import pino from "pino";
import { loadConfig } from "../../../server/config";
import { createApp, McpApp } from "../../../server/create-app";
import { createFixturesServer } from "./fixtures-server";

export interface RunningFixtures {
  /** `http://localhost:<port>/mcp` (the dns-rebinding scenario wants a localhost URL). */
  readonly url: string;
  readonly close: () => Promise<void>;
}

/**
 * Builds the app that serves the fixtures at /mcp: the product's own `createApp` (Host/Origin checks, auth
 * slot with AUTH_MODE=none, limits, JSON-RPC body layer, both eras from one factory), so the suite scores
 * the same middleware the bundled server runs. Stateful session mode gives 2025-era clients a session, which
 * sampling and elicitation need to reach the client; 2026-07-28 requests stay stateless either way.
 * The fixtures' list-change tools publish through the handler's own `notify` (subscriptions/listen streams);
 * the factory runs per request, after `createApp` has returned.
 */
function fixturesApp(): McpApp {
  const app: McpApp = createApp(
    loadConfig({ MCP_SESSION_MODE: "stateful" }),
    () => createFixturesServer(endpointOf(app).handler.notify),
    { logger: pino({ level: "silent" }) },
  );
  return app;
}

function endpointOf(app: McpApp): NonNullable<McpApp["mcp"]["endpoint"]> {
  const endpoint = app.mcp.endpoint;
  if (!endpoint) throw new Error("the fixtures app serves /mcp itself: it must not be in front mode");
  return endpoint;
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
