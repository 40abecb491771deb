import express, { Express, RequestHandler } from "express";
import { McpServer } from "@modelcontextprotocol/server";
import { Logger } from "pino";
import { ServerConfig } from "./config";
import { createFailedAuthThrottle, FailedAuthThrottleOptions } from "./auth/failed-auth-throttle";
import { createAuthMiddleware, type AuthMiddlewareOptions } from "./auth/middleware";
import { protectedResourceMetadataRouter } from "./auth/protected-resource-metadata";
import { PRM_PATH } from "./auth/public-url";
import { oauthFrontRouter, type OAuthFrontOptions } from "./auth/front/router";
import { createMcpServer } from "./create-mcp-server";
import { Lifecycle } from "./lifecycle";
import { createLogger } from "./logger";
import { dnsRebindingProtection, requireAllowedHost } from "./http/dns-rebinding";
import { bodyDeadline } from "./http/body-deadline";
import { CallerSlots, perCallerConnections, perCallerToolCalls } from "./http/caller-slots";
import { connectionLimit, refuseWhileDraining } from "./http/connection-limit";
import { sdkResponseHeaders } from "./http/sdk-response-headers";
import { healthRoutes, ReadinessRegistry } from "./http/health";
import { inSequence } from "./http/in-sequence";
import { notFound } from "./http/not-found";
import { jsonRpcBody, jsonRpcErrorHandler, requireStreamableAccept } from "./http/json-rpc-body";
import { JsonRpcCode, sendJsonRpcError } from "./http/json-rpc-error";
import { perCallerRateLimit } from "./http/rate-limit";
import { methodNotAllowed } from "./http/method-not-allowed";
import { requestLogging } from "./http/request-logging";
import { FrontControls, mountFront } from "./front/mount";
import { LegacySseSessions } from "./transports/legacy-sse";
import { instrumentServer } from "./transports/instrument";
import { streamableHttpEndpoint, StreamableHttpEndpoint } from "./transports/streamable-http";

/** What `createApp` takes besides the configuration; tests replace parts, production passes none. */
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
  /**
   * Failed-auth throttle tuning (tests shorten the window or move its clock). Applies to the auth layer
   * built from `config.auth`, not to an injected `authMiddleware`. @default - a one-minute window on Date.now
   */
  readonly authThrottle?: FailedAuthThrottleOptions;
  /** @default - pino JSON to stdout at config.logLevel */
  readonly logger?: Logger;
  /** Authorization front tuning (MCP_OAUTH_FRONT=on); tests pass their CIMD server's CA. @default - none */
  readonly oauthFront?: Pick<OAuthFrontOptions, "clientMetadata" | "jwks">;
  /**
   * The per-caller tool-call slots (MCP_MAX_TOOL_CALLS_PER_CALLER), shared with the tasks runtime so a running
   * task keeps its place (serverDepsFor builds them; limit = config.maxToolCallsPerCaller).
   * @default - slots of this app alone
   */
  readonly toolCallSlots?: CallerSlots;
}

/** What main.ts (and tests) need besides the express app itself. */
export interface McpAppControls {
  /** Open connections and requests, and the drain main.ts starts on SIGTERM. */
  readonly lifecycle: Lifecycle;
  /** The checks behind /readyz; callers may add their own. */
  readonly readiness: ReadinessRegistry;
  /** The app's logger, for main.ts's startup and shutdown lines. */
  readonly logger: Logger;
  /** Open legacy SSE sessions and stateful sessions (tests and metrics). */
  readonly sessionCounts: () => { legacySse: number; stateful: number };
  /** Bytes of stored resumption events across stateful sessions (tests and metrics). */
  readonly storedEventBytes: () => number;
  /** Front mode (MCP_UPSTREAM_URL / MCP_UPSTREAM_COMMAND) only. */
  readonly front?: FrontControls;
  /** The /mcp endpoint (not in front mode); `endpoint.handler.notify.toolsChanged()` reaches every
   * `subscriptions/listen` stream. */
  readonly endpoint?: StreamableHttpEndpoint;
}

/** The express app, with the controls `main.ts` and tests use (lifecycle, readiness, sessions). */
export type McpApp = Express & {
  /** What main.ts and tests need besides the app: lifecycle, readiness, sessions, the front. */
  readonly mcp: McpAppControls;
};

/** Whether `/sse` and `/messages` are served: front mode answers them 404 whatever MCP_LEGACY_SSE says. */
export function servesLegacySse(config: ServerConfig): boolean {
  return config.legacySseEnabled && config.front === undefined;
}

/** What the parts of the app built below share. */
interface AppParts {
  readonly config: ServerConfig;
  readonly options: CreateAppOptions;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly readiness: ReadinessRegistry;
}

/** What the mounted MCP transports (ours, or the front's) add to {@link McpAppControls}. */
type TransportControls = Omit<McpAppControls, "lifecycle" | "readiness" | "logger">;

/** Builds the express app. Never listens. `serverFactory` builds a fresh McpServer with every tool. */
export function createApp(
  config: ServerConfig,
  serverFactory: () => McpServer = () => createMcpServer(),
  options: CreateAppOptions = {},
): McpApp {
  const logger = options.logger ?? createLogger(config.logLevel);
  const lifecycle = new Lifecycle();
  const readiness = new ReadinessRegistry();
  for (const [name, check] of Object.entries(options.readinessChecks ?? {})) readiness.add(name, check);
  const parts: AppParts = { config, options, logger, lifecycle, readiness };

  const app = express();
  app.disable("x-powered-by");
  // The client address (req.ip) is the socket's, or X-Forwarded-For's entry that many trusted proxies back.
  app.set("trust proxy", config.trustedProxyHops);
  app.use(requestLogging(logger));
  const startedAt = Date.now();
  // The MCP routes come first, the other routes after them (mountOtherRoutes): a POST /mcp, nearly all of
  // the traffic, walks every layer mounted before its own, each a path match and a call.
  const body = guardMcpPaths(app, parts);
  const transports = config.front
    ? mountFrontMode(app, config.front, parts, body)
    : mountTransports(app, parts, body, serverFactory);
  mountOtherRoutes(app, config, { lifecycle, readiness, logger, startedAt, oauthFront: options.oauthFront });
  app.use(notFound());
  app.use(jsonRpcErrorHandler(config.maxBodyBytes));
  const mcp: McpAppControls = { lifecycle, readiness, logger, ...transports };
  return Object.assign(app, { mcp });
}

/**
 * The checks in front of every MCP path (Host and Origin, drain, connection limits, auth, per-caller limits);
 * returns the chain every transport's POST body goes through.
 */
function guardMcpPaths(app: Express, parts: AppParts): RequestHandler[] {
  const { config, options, logger, lifecycle, readiness } = parts;
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
  // ---- auth slot: from `auth` on, everything needs an authenticated caller ----
  // The rate limit is per caller, so after auth; before the body is read, so a refused request costs little
  // and runs no tool.
  const auth =
    options.authMiddleware ?? configuredAuth(config, logger, readiness, options.auth, options.authThrottle);
  const rateLimit = perCallerRateLimit(config.rateLimitPerMinute, logger, options.now);
  app.use(
    mcpPaths,
    inSequence([
      sdkResponseHeaders,
      dnsRebindingProtection(config.allowedHosts, config.allowedOrigins),
      refuseWhileDraining(lifecycle),
      connectionLimit(lifecycle, config.maxConnections),
      auth,
      perCallerConnections(config.maxConnectionsPerCaller),
      ...(rateLimit ? [rateLimit.perRequest] : []),
    ]),
  );

  // Every transport's POST goes through this: legacy /messages, /mcp in both session modes, the front.
  return [
    bodyDeadline(config.requestTimeoutMs),
    ...jsonRpcBody(config),
    ...(rateLimit ? [rateLimit.perToolCall] : []),
    perCallerToolCalls(options.toolCallSlots ?? new CallerSlots(config.maxToolCallsPerCaller)),
  ];
}

/** Front mode (server/front/): /mcp forwards to the upstream; our own MCP transports stay unmounted. */
function mountFrontMode(
  app: Express,
  front: NonNullable<ServerConfig["front"]>,
  { config, lifecycle, readiness, logger }: AppParts,
  body: RequestHandler[],
): TransportControls {
  const controls = mountFront(app, front, {
    lifecycle,
    readiness,
    logger,
    heartbeatMs: config.sseHeartbeatMs,
    body,
    sessionLimits: {
      maxSessions: config.maxSessions,
      maxSessionsPerCaller: config.maxSessionsPerCaller,
      idleMs: config.sessionIdleMs,
    },
  });
  return { sessionCounts: () => ({ legacySse: 0, stateful: 0 }), storedEventBytes: () => 0, front: controls };
}

/** Our own MCP transports: Streamable HTTP at /mcp and, when on, legacy HTTP+SSE at /sse + /messages. */
function mountTransports(
  app: Express,
  { config, options, logger, lifecycle }: AppParts,
  body: RequestHandler[],
  serverFactory: () => McpServer,
): TransportControls {
  const endpoint = streamableHttpEndpoint(serverFactory, lifecycle, {
    sessionMode: config.sessionMode,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    heartbeatMs: config.sseHeartbeatMs,
    idleMs: config.sessionIdleMs,
    maxSessions: config.maxSessions,
    maxSessionsPerCaller: config.maxSessionsPerCaller,
    eventStoreMaxEvents: config.eventStoreMaxEvents,
    eventStoreMaxAgeMs: config.eventStoreMaxAgeMs,
    eventStoreMaxBytesPerSession: config.eventStoreMaxBytesPerSession,
    eventStoreMaxBytesTotal: config.eventStoreMaxBytesTotal,
    now: options.now,
  });
  app.post("/mcp", inSequence([requireStreamableAccept, ...body, endpoint.post]));
  const sessions = endpoint.sessions;
  if (sessions) {
    app.get("/mcp", sessions.handle);
    app.delete("/mcp", sessions.handle);
    app.all("/mcp", methodNotAllowed("GET, POST, DELETE"));
  } else {
    app.all("/mcp", methodNotAllowed("POST"));
  }

  let legacyCount = (): number => 0;
  if (config.legacySseEnabled) {
    const instrumented = (): McpServer => instrumentServer(serverFactory(), lifecycle);
    const legacy = new LegacySseSessions(instrumented, lifecycle, config.sseHeartbeatMs);
    app.get("/sse", legacy.openStream);
    app.post("/messages", inSequence([...body, legacy.postMessage]));
    legacyCount = () => legacy.count;
  }
  return {
    sessionCounts: () => ({ legacySse: legacyCount(), stateful: sessions?.count ?? 0 }),
    storedEventBytes: () => sessions?.storedEventBytes ?? 0,
    endpoint,
  };
}

/**
 * Health, protected-resource metadata and (MCP_OAUTH_FRONT=on) the authorization front. None of their paths is
 * under /mcp, /sse or /messages, so mounting them after the MCP routes changes no answer; none needs auth.
 */
function mountOtherRoutes(
  app: Express,
  config: ServerConfig,
  deps: {
    lifecycle: Lifecycle;
    readiness: ReadinessRegistry;
    logger: Logger;
    startedAt: number;
    oauthFront: CreateAppOptions["oauthFront"];
  },
): void {
  app.use(healthRoutes(deps.lifecycle, deps.readiness, deps.startedAt));
  // Metadata URLs come from MCP_PUBLIC_URL or an allowed Host only: any other Host is refused first.
  app.use(PRM_PATH, requireAllowedHost(config.allowedHosts));
  app.use(
    protectedResourceMetadataRouter(config.auth, {
      publicUrl: config.publicUrl,
      legacySseEnabled: servesLegacySse(config),
    }),
  );
  if (config.auth.mode === "entra" && config.auth.front) {
    app.use(
      oauthFrontRouter(config.auth, {
        ...deps.oauthFront,
        logger: deps.logger,
        managedIdentityClientId: config.azureClientId,
      }),
    );
  }
}

/** The auth layer `config.auth` asks for; its dependency check (e.g. the JWKS) joins /readyz. */
function configuredAuth(
  config: ServerConfig,
  logger: Logger,
  readiness: ReadinessRegistry,
  tuning: CreateAppOptions["auth"] = {},
  throttle: FailedAuthThrottleOptions = {},
): RequestHandler {
  const middleware = createAuthMiddleware(config.auth, {
    ...tuning,
    publicUrl: config.publicUrl,
    logger,
    failedAuthThrottle: createFailedAuthThrottle(config.authFailuresPerMinute, throttle),
  });
  readiness.add(middleware.readiness.name, () => middleware.readiness.check());
  return middleware;
}
