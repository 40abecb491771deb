import type { Express, RequestHandler } from "express";
import type { Logger } from "pino";
import type { ReadinessRegistry } from "../http/health";
import { inSequence } from "../http/in-sequence";
import { requireStreamableAccept } from "../http/json-rpc-body";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { methodNotAllowed } from "../http/method-not-allowed";
import type { Lifecycle } from "../lifecycle";
import { refuseUndeclaredTasksMethods } from "../tasks/front-gate";
import type { SessionLimits } from "../transports/session-store";
import type { FrontConfig } from "./config";
import { httpUpstream } from "./http-upstream";
import { stdioUpstream } from "./stdio-upstream";
import type { StdioPool } from "./stdio-pool";

/** What front mode is mounted with. */
export interface FrontDeps {
  /** The app's request and drain bookkeeping, which the upstream exchanges join. */
  readonly lifecycle: Lifecycle;
  /** Where the upstream's readiness check is added (/readyz). */
  readonly readiness: ReadinessRegistry;
  /** The app's logger. */
  readonly logger: Logger;
  /** MCP_SSE_HEARTBEAT_SECONDS, in ms, for the streams the front relays. */
  readonly heartbeatMs: number;
  /** The JSON-RPC body checks every POST passes (size, content type, envelope). */
  readonly body: RequestHandler[];
  /** Bounds on an HTTP upstream's 2025-era sessions: the stateful sessions' settings. */
  readonly sessionLimits: SessionLimits;
}

/** What tests and metrics see of front mode. */
export interface FrontControls {
  /** Which kind of upstream the front relays to. */
  readonly upstream: FrontConfig["kind"];
  /** stdio upstream: the per-caller children. */
  readonly pool?: StdioPool;
}

/**
 * Mounts front mode at /mcp, behind the middleware create-app.ts put in front of every MCP path (Host and
 * Origin checks, drain, connection limits, auth, rate limit). Legacy /sse + /messages are not relayed:
 * they answer 404 pointing at /mcp. The upstream's health joins /readyz as "upstream".
 */
export function mountFront(app: Express, config: FrontConfig, deps: FrontDeps): FrontControls {
  const { lifecycle, readiness, logger, heartbeatMs, body } = deps;
  let controls: FrontControls;
  if (config.kind === "http") {
    const upstream = httpUpstream(config, lifecycle, heartbeatMs, logger, deps.sessionLimits);
    readiness.add("upstream", upstream.ready);
    // One layer (in-sequence.ts): a route walks its handlers as layers of their own, each a match and a call.
    app.post("/mcp", inSequence([...body, refuseUndeclaredTasksMethods, upstream.post]));
    app.get("/mcp", upstream.relay);
    app.delete("/mcp", upstream.relay);
    app.all("/mcp", methodNotAllowed("GET, POST, DELETE"));
    controls = { upstream: "http" };
  } else {
    const upstream = stdioUpstream(config, lifecycle, heartbeatMs, logger);
    readiness.add("upstream", () => upstream.pool.ready());
    // The front answers itself here, as JSON or SSE, so clients must accept both (an HTTP upstream decides alone).
    app.post(
      "/mcp",
      inSequence([requireStreamableAccept, ...body, refuseUndeclaredTasksMethods, upstream.post]),
    );
    app.all("/mcp", methodNotAllowed("POST"));
    controls = { upstream: "stdio", pool: upstream.pool };
  }
  app.all(["/sse", "/messages"], (_req, res) =>
    sendJsonRpcError(
      res,
      404,
      JsonRpcCode.ServerError,
      "Not Found: in front mode (MCP_UPSTREAM_URL / MCP_UPSTREAM_COMMAND) only Streamable HTTP at /mcp is served",
    ),
  );
  return controls;
}
