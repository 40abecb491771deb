import { createServer, RequestListener, Server } from "node:http";
import type { ServerConfig } from "../config";

/** How often Node checks headersTimeout and requestTimeout; its default (30 s) lets a dribbler live 40 s. */
const TIMEOUT_CHECK_MS = 1000;

/**
 * The HTTP server in front of the app: headers must arrive within `headersTimeoutMs` (10 s), or Node answers
 * 408 and closes the connection. The body's limit (`requestTimeoutMs`, MCP_REQUEST_TIMEOUT_SECONDS) is the
 * app's (body-deadline.ts: 408 with a JSON-RPC error); Node's requestTimeout is only its backstop, set past
 * the latest the app's deadline can fire (headers, then the body), so on a busy machine Node's bodyless 408
 * does not win the race. Responses (SSE streams included) are not limited by either.
 */
export function createHttpServer(
  app: RequestListener,
  config: Pick<ServerConfig, "headersTimeoutMs" | "requestTimeoutMs">,
): Server {
  return createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.headersTimeoutMs + config.requestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
    app,
  );
}
