import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { SERVER_NAME, SERVER_VERSION } from "./version";
import { registerEcho } from "./tools/echo";
import { registerGetCurrentUtcTime } from "./tools/get-current-utc-time";
import { registerWhoami } from "./tools/whoami";
import { registerWaitWithProgress } from "./tools/wait-with-progress";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What a tool-call wrapper sees: the tool's name and the SDK's per-request extra (signal, authInfo, ...). */
export interface ToolCall {
  readonly toolName: string;
  readonly extra: ToolExtra;
}

/**
 * Runs around every tool handler, including tools added through `extraTools` (telemetry spans, metrics).
 * Call `next()` exactly once and return its result (or your own).
 */
export type ToolHandlerWrapper = (
  call: ToolCall,
  next: () => Promise<CallToolResult>,
) => Promise<CallToolResult>;

/** Registers more tools on a server, e.g. `(server) => registerQueryLogs(server, deps)`. */
export type ToolRegistration = (server: McpServer) => void;

export interface ServerDeps {
  /** Extra tool registrations, run after the built-in tools. @default - none */
  readonly extraTools?: readonly ToolRegistration[];
  /** Wraps every tool handler. @default - handlers run as registered */
  readonly wrapToolHandler?: ToolHandlerWrapper;
  /**
   * JSON-schema validator shared between server instances: each McpServer otherwise builds its own Ajv,
   * which dominates the cost of constructing one. @default - one Ajv validator per process
   */
  readonly jsonSchemaValidator?: jsonSchemaValidator;
}

let sharedValidator: jsonSchemaValidator | undefined;
function defaultValidator(): jsonSchemaValidator {
  sharedValidator ??= new AjvJsonSchemaValidator();
  return sharedValidator;
}

type AnyToolCallback = (...args: unknown[]) => CallToolResult | Promise<CallToolResult>;

/** Routes every later `registerTool` on this instance through `wrap`, whoever calls it. */
function wrapToolRegistrations(server: McpServer, wrap: ToolHandlerWrapper): void {
  const register = server.registerTool.bind(server) as (
    name: string,
    config: unknown,
    cb: AnyToolCallback,
  ) => unknown;
  const wrapped = (name: string, config: unknown, cb: AnyToolCallback): unknown =>
    register(name, config, (...args: unknown[]) =>
      // The SDK passes (args, extra) to tools with an input schema and (extra) to those without.
      wrap({ toolName: name, extra: args[args.length - 1] as ToolExtra }, async () => cb(...args)),
    );
  server.registerTool = wrapped as McpServer["registerTool"];
}

/** Builds the MCP server with its tools. Knows nothing of HTTP. */
export function createServer(deps: ServerDeps = {}): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      capabilities: { tools: {}, logging: {} },
      jsonSchemaValidator: deps.jsonSchemaValidator ?? defaultValidator(),
    },
  );
  if (deps.wrapToolHandler) wrapToolRegistrations(server, deps.wrapToolHandler);
  registerEcho(server);
  registerGetCurrentUtcTime(server);
  registerWhoami(server);
  registerWaitWithProgress(server);
  for (const register of deps.extraTools ?? []) register(server);
  return server;
}
