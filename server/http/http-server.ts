import { createServer, RequestListener, Server } from "node:http";
import type { ServerConfig } from "../config";

/** How often Node checks headersTimeout and requestTimeout; its default (30 s) lets a dribbler live 40 s. */
const TIMEOUT_CHECK_MS = 1000;

/**
 * The HTTP server in front of the app: headers must arrive within `headersTimeoutMs` (10 s) and a whole
 * request within `requestTimeoutMs` (MCP_REQUEST_TIMEOUT_SECONDS), or Node answers 408 and closes the
 * connection. Responses (SSE streams included) are not limited by either.
 */
export function createHttpServer(
  app: RequestListener,
  config: Pick<ServerConfig, "headersTimeoutMs" | "requestTimeoutMs">,
): Server {
  return createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    app,
  );
}
