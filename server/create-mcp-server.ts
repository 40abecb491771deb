import { randomBytes } from "node:crypto";
import { CallToolResult, McpServer, ServerContext } from "@modelcontextprotocol/server";
import { createRequestStateSigner, RequestStateSigner } from "./request-state";
import { createTasksRuntime } from "./tasks/runtime";
import { enableTasks, type TasksRuntime } from "./tasks/tasks";
import { SERVER_NAME, SERVER_VERSION } from "./version";
import { BUILT_IN_TOOLS } from "./tools/registry";

/**
 * How long a 2026-07-28 client may cache `tools/list`. The list depends only on the server's configuration,
 * never on the caller, so shared caches may keep it too (`cacheScope: "public"`).
 */
export const TOOLS_LIST_TTL_MS = 60_000;

/** What a tool-call wrapper sees: the tool's name and the SDK's per-request context (signal, authInfo, ...). */
export interface ToolCall {
  /** The name the tool was registered under. */
  readonly toolName: string;
  /** The SDK's context of this call: abort signal, authInfo (the caller), request id. */
  readonly ctx: ServerContext;
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

/** What createMcpServer builds each McpServer with; all optional, production passes `serverDepsFor(config)`. */
export interface ServerDeps {
  /** Extra tool registrations, run after the built-in tools. @default - none */
  readonly extraTools?: readonly ToolRegistration[];
  /** Wraps every tool handler. @default - handlers run as registered */
  readonly wrapToolHandler?: ToolHandlerWrapper;
  /**
   * Signs `confirm_action`'s multi round-trip `requestState`; share one per process (serverDepsFor builds it
   * from MCP_REQUEST_STATE_KEY, which every replica must share).
   * @default - a signer with a random key of this process
   */
  readonly requestState?: RequestStateSigner;
  /**
   * The tasks extension's process-wide part (task ids signed under MCP_REQUEST_STATE_KEY, the tasks this
   * replica runs); share one per process (serverDepsFor builds it).
   * @default - a runtime with a random key of this process
   */
  readonly tasks?: TasksRuntime;
}

let processSigner: RequestStateSigner | undefined;
/** A random-key signer made on first use: states survive only within this process. */
function processRequestState(): RequestStateSigner {
  return (processSigner ??= createRequestStateSigner(randomBytes(32)));
}

let processTasks: TasksRuntime | undefined;
/** A random-key tasks runtime made on first use: task ids are readable only within this process. */
function processTasksRuntime(): TasksRuntime {
  return (processTasks ??= createTasksRuntime({ key: randomBytes(32) }));
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
      // The SDK passes (args, ctx) to tools with an input schema and (ctx) to those without.
      wrap({ toolName: name, ctx: args[args.length - 1] as ServerContext }, async () => cb(...args)),
    );
  server.registerTool = wrapped as McpServer["registerTool"];
}

/**
 * Builds the MCP server with its tools, for either protocol era: the SDK's serving entries decide the era
 * per request (HTTP) or per connection (stdio) and adapt the wire format. Knows nothing of HTTP. Tools are
 * listed in registration order, which is fixed, so `tools/list` is deterministic.
 */
export function createMcpServer(deps: ServerDeps = {}): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      // `tools` (listChanged) comes with the first registerTool, after enableTasks has hooked tools/call.
      capabilities: { logging: {} },
      cacheHints: { "tools/list": { ttlMs: TOOLS_LIST_TTL_MS, cacheScope: "public" } },
    },
  );
  if (deps.wrapToolHandler) wrapToolRegistrations(server, deps.wrapToolHandler);
  const tasks = enableTasks(server, deps.tasks ?? processTasksRuntime());
  const requestState = deps.requestState ?? processRequestState();
  for (const register of BUILT_IN_TOOLS) register({ server, tasks, requestState });
  for (const register of deps.extraTools ?? []) register(server);
  return server;
}
