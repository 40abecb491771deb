import { Server } from "node:http";
import pino, { Logger } from "pino";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { loadConfig, ServerConfig } from "./config";
import { ConfigError } from "./config-error";
import { createApp } from "./create-app";
import { createServer, ServerDeps } from "./create-server";
import { createLogger } from "./logger";

/** Deps for every McpServer this process builds. The query_logs and telemetry work plug in here. */
function serverDeps(_config: ServerConfig): ServerDeps {
  return {};
}

function runHttp(config: ServerConfig, logger: Logger): void {
  const deps = serverDeps(config);
  const app = createApp(config, () => createServer(deps), { logger });
  const http: Server = app.listen(config.port, config.host, () => {
    const address = http.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    logger.info(
      { host: config.host, port, sessionMode: config.sessionMode, legacySse: config.legacySseEnabled },
      `MCP server listening on http://${config.host}:${port}/mcp`,
    );
  });
  let stopping = false;
  const exit = (): void => {
    logger.flush();
    process.exit(0);
  };
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, "draining");
    // Keep listening while draining: probes must see /readyz turn 503, and new MCP requests get a clear 503.
    const finished = await app.mcp.lifecycle.drain(config.shutdownGraceMs);
    logger.info({ finished }, finished ? "drained; exiting" : "grace period over; exiting");
    // Streams are closed now; let the last responses flush, then cut whatever is left.
    http.close(() => exit());
    setTimeout(() => http.closeAllConnections(), finished ? 1000 : 0).unref();
    setTimeout(exit, 2000).unref();
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void stop(signal));
}

async function runStdio(config: ServerConfig, logger: Logger): Promise<void> {
  const server = createServer(serverDeps(config));
  await server.connect(new StdioServerTransport());
  logger.info("MCP server on stdio");
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => void server.close().then(() => process.exit(0)));
  }
}

function main(): void {
  let config: ServerConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // stdout belongs to the protocol in stdio mode; logs go to stderr there.
  const logger = createLogger(
    config.logLevel,
    config.transport === "stdio" ? pino.destination(2) : undefined,
  );
  if (config.transport === "stdio") void runStdio(config, logger);
  else runHttp(config, logger);
}

main();
