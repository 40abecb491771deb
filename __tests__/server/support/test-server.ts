import { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/server";
import { Server } from "node:http";
import { Writable } from "node:stream";
import { loadConfig, ServerConfig } from "../../../server/config";
import { createApp, CreateAppOptions, McpApp } from "../../../server/create-app";
import { createMcpServer, ServerDeps } from "../../../server/create-mcp-server";
import { createHttpServer } from "../../../server/http/http-server";
import { createLogger } from "../../../server/logger";

export interface RunningServer {
  readonly app: McpApp;
  readonly http: Server;
  readonly base: string;
  readonly mcpUrl: URL;
  readonly logLines: () => Record<string, unknown>[];
  readonly close: () => Promise<void>;
}

/** What a test changes beyond the environment; each part is optional. */
export interface StartServerOptions {
  /** Configuration fields set after the environment is read (values no variable can express, e.g. 30 ms). */
  readonly config?: Partial<ServerConfig>;
  /** Passed to `createApp` (clock, auth middleware, ...); the captured logger is always added. */
  readonly appOptions?: CreateAppOptions;
  /** The deps of the default server factory. @default - none */
  readonly deps?: ServerDeps;
  /** Builds each McpServer. @default - createMcpServer(deps) */
  readonly serverFactory?: () => McpServer;
}

/** The real app on 127.0.0.1:<random port>, configured by `env` as production is, logs captured in memory. */
export async function startServer(
  env: Record<string, string> = {},
  {
    config: overrides = {},
    appOptions = {},
    deps = {},
    serverFactory = () => createMcpServer(deps),
  }: StartServerOptions = {},
): Promise<RunningServer> {
  const config: ServerConfig = { ...loadConfig({ LOG_LEVEL: "info", ...env }), ...overrides };
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const logger = createLogger(config.logLevel, capture);
  const app = createApp(config, serverFactory, { logger, ...appOptions });
  const http = createHttpServer(app, config).listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    app,
    http,
    base,
    mcpUrl: new URL(`${base}/mcp`),
    logLines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    close: async () => {
      await app.mcp.lifecycle.drain(0);
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/**
 * Polls `condition` until true (no fixed sleeps); fails after `timeoutMs`, a bound for a hang rather than a
 * performance target, generous enough for a machine whose cores are busy.
 */
export async function eventually(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

export const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

/** The JSON-RPC messages of a response, whether it came as one JSON body (a message or a batch) or as SSE. */
export async function jsonRpcMessagesOf(response: Response): Promise<Record<string, unknown>[]> {
  const body = await response.text();
  if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    const parsed = JSON.parse(body) as Record<string, unknown> | Record<string, unknown>[];
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  return body
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line.length > "data: ".length)
    .map((line) => JSON.parse(line.slice("data: ".length)) as Record<string, unknown>);
}

/** Opens a 2025-era stateful session by hand (initialize + initialized); the headers later requests need. */
export async function openRawSession(server: RunningServer): Promise<Record<string, string>> {
  const init = await fetch(server.mcpUrl, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify(INITIALIZE),
  });
  await init.text();
  const headers = {
    ...MCP_HEADERS,
    "mcp-session-id": init.headers.get("mcp-session-id") ?? "",
    "mcp-protocol-version": "2025-06-18",
  };
  const initialized = await fetch(server.mcpUrl, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  if (initialized.status !== 202) throw new Error(`notifications/initialized answered ${initialized.status}`);
  return headers;
}
