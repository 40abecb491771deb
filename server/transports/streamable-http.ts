import { Request, RequestHandler } from "express";
import "../http/request-auth";
import {
  classifyInboundRequest,
  createMcpHandler,
  McpHttpHandler,
  McpServer,
} from "@modelcontextprotocol/server";
import { Logger } from "pino";
import { Lifecycle } from "../lifecycle";
import { fetchOnExpress } from "./fetch-on-express";
import { HotPath } from "./hot-path";
import { instrumentServer, InstrumentOptions, SLOW_CALL_SSE_AFTER_MS } from "./instrument";
import { ServerPool } from "./server-pool";
import { StatefulOptions, StatefulSessions } from "./stateful";

/** What the Streamable HTTP endpoint at /mcp is built with. */
export interface StreamableHttpOptions extends StatefulOptions, InstrumentOptions {
  /** MCP_SESSION_MODE: stateful adds 2025-era sessions; 2026-07-28 requests are stateless either way. */
  readonly sessionMode: "stateless" | "stateful";
  /** MCP_MAX_BODY_BYTES, passed to the SDK handler as its own body limit. */
  readonly maxBodyBytes: number;
  /** Errors the SDK handler reports are logged here at debug level. */
  readonly logger: Logger;
}

/** POST (and, stateful, GET and DELETE) /mcp, both protocol eras, plus what the app needs to manage it. */
export interface StreamableHttpEndpoint {
  /** POST /mcp: the hot path, the SDK handler, or (stateful, 2025 era) the caller's session. */
  readonly post: RequestHandler;
  /** Stateful mode only: the 2025-era session stream (GET) and termination (DELETE). */
  readonly sessions?: StatefulSessions;
  /** The SDK handler: `notify.toolsChanged()` reaches every open `subscriptions/listen` stream. */
  readonly handler: McpHttpHandler;
  /** The server instances behind the handler, reused between requests once answered. */
  readonly pool: ServerPool;
  /** Plain tools/call and tools/list requests, answered on pooled servers that stay connected. */
  readonly hot: HotPath;
}

const headerOf = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
};

/**
 * Whether the SDK entry would route this request to its 2025-era side: `isLegacyRequest` on the body our body
 * layer parsed (the same classification, without the web Request it needs built first).
 */
function isLegacy(req: Request): boolean {
  if (req.body === undefined) return true;
  const protocolVersionHeader = headerOf(req, "mcp-protocol-version");
  const mcpMethodHeader = headerOf(req, "mcp-method");
  const mcpNameHeader = headerOf(req, "mcp-name");
  const outcome = classifyInboundRequest({
    httpMethod: req.method,
    ...(protocolVersionHeader !== undefined && { protocolVersionHeader }),
    ...(mcpMethodHeader !== undefined && { mcpMethodHeader }),
    ...(mcpNameHeader !== undefined && { mcpNameHeader }),
    body: req.body,
  });
  return outcome.kind === "legacy";
}

/**
 * Streamable HTTP at /mcp from one server factory, for both eras, on the SDK's own entry:
 * `createMcpHandler` answers 2026-07-28 requests (envelope checks, `server/discover`,
 * `subscriptions/listen`, per-request log levels) and, stateless (the default), 2025-era requests too,
 * each on its own (no sessions). Stateful mode routes 2025-era requests (`isLegacyRequest`) to sessions kept
 * in this process and leaves the modern era on the stateless handler: 2026-07-28 has no sessions.
 *
 * The handler asks for a server per request; the pool hands out an idle one of that era when it can (never
 * one another request is using). Every server, pooled or per session, is instrumented (instrument.ts).
 * The body arrives parsed and checked by the app's JSON-RPC body layer; it is handed over as `parsedBody`
 * (fetch-on-express.ts, which also writes a JSON answer in one piece).
 */
export function streamableHttpEndpoint(
  serverFactory: () => McpServer,
  lifecycle: Lifecycle,
  options: StreamableHttpOptions,
): StreamableHttpEndpoint {
  const factory = (): McpServer => instrumentServer(serverFactory(), lifecycle, options);
  const onerror = (error: Error): void => options.logger.debug({ err: error }, "mcp handler");
  const pool = new ServerPool(factory);
  const handler = createMcpHandler(pool.factory, {
    legacy: options.sessionMode === "stateful" ? "reject" : "stateless",
    keepAliveMs: options.heartbeatMs,
    maxRequestBodySize: options.maxBodyBytes,
    onerror,
  });
  lifecycle.onDrainClose(() => void handler.close());
  const sdk = fetchOnExpress(handler, onerror);
  const hot = new HotPath(pool, {
    keepAliveMs: options.heartbeatMs,
    slowCallSseAfterMs: options.slowCallSseAfterMs ?? SLOW_CALL_SSE_AFTER_MS,
  });
  const modern: RequestHandler = (req, res) => (hot.serve(req, res) ? undefined : sdk(req, res));
  if (options.sessionMode === "stateless") return { handler, pool, hot, post: modern };
  const sessions = new StatefulSessions(factory, lifecycle, options);
  const post: RequestHandler = (req, res, next) =>
    isLegacy(req) ? sessions.handle(req, res, next) : modern(req, res, next);
  return { handler, pool, hot, post, sessions };
}
