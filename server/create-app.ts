import express, { Express, RequestHandler } from "express";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Logger } from "pino";
import { ServerConfig } from "./config";
import { createAuthMiddleware, type AuthMiddlewareOptions } from "./auth/middleware";
import { protectedResourceMetadataRouter } from "./auth/protected-resource-metadata";
import { createServer } from "./create-server";
import { Lifecycle } from "./lifecycle";
import { createLogger } from "./logger";
import { dnsRebindingProtection } from "./http/dns-rebinding";
import { connectionLimit, refuseWhileDraining } from "./http/connection-limit";
import { healthRoutes, ReadinessRegistry } from "./http/health";
import { jsonRpcBody, jsonRpcErrorHandler, requireStreamableAccept } from "./http/json-rpc-body";
import { JsonRpcCode, sendJsonRpcError } from "./http/json-rpc-error";
import { perCallerRateLimit } from "./http/rate-limit";
import { requestLogging } from "./http/request-logging";
import { LegacySseSessions } from "./transports/legacy-sse";
import { StatefulSessions } from "./transports/stateful";
import { statelessPost } from "./transports/stateless";

export interface CreateAppOptions {
  /**
   * Replaces the auth layer built from `config.auth` (tests inject their own). Runs in front of /mcp, /sse
   * and /messages (after the Host/Origin checks, before any body is read); sets `req.auth` (SDK AuthInfo,
   * `extra.caller` a CallerIdentity) or answers 401/403 itself.
   * @default - createAuthMiddleware(config.auth), whose readiness check joins /readyz
   */
  readonly authMiddleware?: RequestHandler;
  /** Tuning for the auth layer built from `config.auth` (tests shorten the JWKS cooldown). @default - none */
  readonly auth?: Pick<AuthMiddlewareOptions, "jwks" | "verifiedTokens">;
  /** Readiness checks behind /readyz, by name (more can be added later through `app.mcp.readiness`). */
  readonly readinessChecks?: Readonly<Record<string, () => boolean | Promise<boolean>>>;
  /**
   * The clock, in epoch milliseconds, that rate-limit windows and stateful session expiry count on (tests
   * move it instead of sleeping). @default Date.now
   */
  readonly now?: () => number;
  /** @default - pino JSON to stdout at config.logLevel */
  readonly logger?: Logger;
}

/** What main.ts (and tests) need besides the express app itself. */
export interface McpAppControls {
  readonly lifecycle: Lifecycle;
  readonly readiness: ReadinessRegistry;
  readonly logger: Logger;
  /** Open legacy SSE sessions and stateful sessions (tests and metrics). */
  readonly sessionCounts: () => { legacySse: number; stateful: number };
}

export type McpApp = Express & { readonly mcp: McpAppControls };

/** Builds the express app. Never listens. `serverFactory` builds a fresh McpServer with every tool. */
export function createApp(
  config: ServerConfig,
  serverFactory: () => McpServer = () => createServer(),
  options: CreateAppOptions = {},
): McpApp {
  const logger = options.logger ?? createLogger(config.logLevel);
  const lifecycle = new Lifecycle();
  const readiness = new ReadinessRegistry();
  for (const [name, check] of Object.entries(options.readinessChecks ?? {})) readiness.add(name, check);

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use(requestLogging(logger));
  app.use(healthRoutes(lifecycle, readiness, Date.now()));
  app.use(protectedResourceMetadataRouter(config.auth, { publicUrl: config.publicUrl }));

  const mcpPaths = ["/mcp", "/sse", "/messages"];
  const legacyPaths = ["/sse", "/messages"];
  if (!config.legacySseEnabled) {
    app.all(legacyPaths, (_req, res) =>
      sendJsonRpcError(
        res,
        404,
        JsonRpcCode.ServerError,
        "Not Found: the legacy HTTP+SSE transport is off (MCP_LEGACY_SSE=false); use Streamable HTTP at /mcp",
      ),
    );
  }
  app.use(mcpPaths, dnsRebindingProtection(config.allowedHosts, config.allowedOrigins));
  app.use(mcpPaths, refuseWhileDraining(lifecycle));
  app.use(mcpPaths, connectionLimit(lifecycle, config.maxConnections));
  // ---- auth slot: everything below needs an authenticated caller ----
  app.use(mcpPaths, options.authMiddleware ?? configuredAuth(config, logger, readiness, options.auth));
  // Per caller, so after auth; before the body is read, so a refused request costs little and runs no tool.
  const rateLimit = perCallerRateLimit(config.rateLimitPerMinute, logger, options.now);
  if (rateLimit) app.use(mcpPaths, rateLimit);

  const body = jsonRpcBody(config.maxBodyBytes);
  let statefulCount = (): number => 0;
  if (config.sessionMode === "stateful") {
    const sessions = new StatefulSessions(serverFactory, lifecycle, {
      heartbeatMs: config.sseHeartbeatMs,
      idleMs: config.sessionIdleMs,
      now: options.now ?? Date.now,
      eventStoreMaxEvents: config.eventStoreMaxEvents,
      eventStoreMaxAgeMs: config.eventStoreMaxAgeMs,
    });
    app.post("/mcp", requireStreamableAccept, ...body, sessions.handle);
    app.get("/mcp", sessions.handle);
    app.delete("/mcp", sessions.handle);
    app.all("/mcp", methodNotAllowed("GET, POST, DELETE"));
    statefulCount = () => sessions.count;
  } else {
    app.post(
      "/mcp",
      requireStreamableAccept,
      ...body,
      statelessPost(serverFactory, lifecycle, config.sseHeartbeatMs),
    );
    app.all("/mcp", methodNotAllowed("POST"));
  }

  let legacyCount = (): number => 0;
  if (config.legacySseEnabled) {
    const legacy = new LegacySseSessions(serverFactory, lifecycle, config.sseHeartbeatMs);
    app.get("/sse", legacy.openStream);
    app.post("/messages", ...body, legacy.postMessage);
    legacyCount = () => legacy.count;
  }

  app.use(jsonRpcErrorHandler(config.maxBodyBytes));
  const mcp: McpAppControls = {
    lifecycle,
    readiness,
    logger,
    sessionCounts: () => ({ legacySse: legacyCount(), stateful: statefulCount() }),
  };
  return Object.assign(app, { mcp });
}

/** The auth layer `config.auth` asks for; its dependency check (e.g. the JWKS) joins /readyz. */
function configuredAuth(
  config: ServerConfig,
  logger: Logger,
  readiness: ReadinessRegistry,
  tuning: CreateAppOptions["auth"] = {},
): RequestHandler {
  const middleware = createAuthMiddleware(config.auth, { ...tuning, publicUrl: config.publicUrl, logger });
  readiness.add(middleware.readiness.name, () => middleware.readiness.check());
  return middleware;
}

function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) =>
    sendJsonRpcError(
      res,
      405,
      JsonRpcCode.ServerError,
      `Method Not Allowed: ${req.method} ${req.path} (allowed: ${allow})`,
      { Allow: allow },
    );
}
