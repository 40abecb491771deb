import { Server } from "node:http";
import pino, { Logger } from "pino";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { ServerConfig } from "./config";
import { createApp, servesLegacySse } from "./create-app";
import { createMcpServer } from "./create-mcp-server";
import { createHttpServer } from "./http/http-server";
import { createLogger } from "./logger";
import { serverDepsFor } from "./server-deps";
import type { Telemetry } from "./telemetry";

const TELEMETRY_FLUSH_MS = 3000;

async function flushWithin(telemetry: Telemetry, ms: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      logger.warn({ ms }, "telemetry flush timed out");
      resolve();
    }, ms);
  });
  const flushed = telemetry
    .shutdown()
    .catch((error: unknown) => logger.warn({ err: error }, "telemetry flush failed"));
  await Promise.race([flushed, timedOut]);
  clearTimeout(timer);
}

/**
 * Resolves once every log line written so far is out (bounded by `ms`). The logger writes asynchronously;
 * process.exit's own synchronous flush would write the queued lines ahead of one still in flight, so e.g.
 * "drained; exiting" could land before "draining".
 */
function flushLogs(logger: Logger, ms = 1000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function runHttp(config: ServerConfig, logger: Logger, telemetry: Telemetry): void {
  const deps = serverDepsFor(config);
  const app = createApp(config, () => createMcpServer(deps), {
    logger,
    toolCallSlots: deps.tasks?.toolCallSlots,
  });
  const http: Server = createHttpServer(app, config).listen(config.port, config.host, () => {
    const address = http.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    logger.info(
      {
        host: config.host,
        port,
        sessionMode: config.sessionMode,
        legacySse: servesLegacySse(config),
        authMode: config.auth.mode,
        queryLogs: config.logAnalyticsWorkspaceId !== undefined,
        telemetry: config.applicationInsightsConnectionString !== undefined,
        upstream: config.front?.kind, // front mode: "http" or "stdio"
      },
      `MCP server listening on http://${config.host}:${port}/mcp`,
    );
  });
  let stopping = false;
  let exiting = false;
  const exit = async (): Promise<void> => {
    if (exiting) return;
    exiting = true;
    // Spans of the last calls go out before the process does, within what is left of Azure's 30 s grace.
    await flushWithin(telemetry, TELEMETRY_FLUSH_MS, logger);
    await flushLogs(logger);
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
    http.close(() => void exit());
    setTimeout(() => http.closeAllConnections(), finished ? 1000 : 0).unref();
    setTimeout(() => void exit(), 2000).unref();
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void stop(signal));
}

async function runStdio(config: ServerConfig, logger: Logger, telemetry: Telemetry): Promise<void> {
  const deps = serverDepsFor(config);
  // Both eras: the opening exchange (server/discover or initialize) pins the connection's era.
  const server = serveStdio(() => createMcpServer(deps), {
    onerror: (error) => logger.warn({ err: error }, "stdio"),
  });
  logger.info("MCP server on stdio");
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(
      signal,
      () =>
        void server
          .close()
          .then(() => flushWithin(telemetry, TELEMETRY_FLUSH_MS, logger))
          .then(() => flushLogs(logger))
          .finally(() => process.exit(0)),
    );
  }
}

/** Runs the configured transport until a signal; main.ts loads this module after telemetry has started. */
export function serve(config: ServerConfig, telemetry: Telemetry): void {
  // stdout belongs to the protocol in stdio mode; logs go to stderr there.
  const logger = createLogger(
    config.logLevel,
    config.transport === "stdio" ? pino.destination(2) : undefined,
  );
  for (const warning of config.warnings) logger.warn(warning);
  if (config.transport === "stdio") void runStdio(config, logger, telemetry);
  else runHttp(config, logger, telemetry);
}
