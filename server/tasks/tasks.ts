import {
  isInputRequiredResult,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type InputRequiredResult,
  type InputResponses,
  type McpServer,
  type ServerContext,
  type StandardSchemaWithJSON,
  type ToolAnnotations,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { callerOf } from "../auth/middleware";
import { callerKeyOf } from "../http/caller-key";
import type { CallerSlots } from "../http/caller-slots";
import { declaresTasks, TASKS_EXTENSION, tasksExtensionRequired } from "./extension";
import { detailedTask, isTerminal, type TaskState } from "./task-record";
import type { TaskIds } from "./task-ids";
import type { LiveTask, TaskStore } from "./task-store";

/** The process-wide part of the extension: ids, the store of the tasks this replica runs, timings, clock. */
export interface TasksRuntime {
  /** Mints and reads the signed task ids. */
  readonly ids: TaskIds;
  /** The tasks this replica runs. */
  readonly store: TaskStore;
  /** How long a task stays readable after its creation (SEP-2663 `ttlMs`). */
  readonly ttlMs: number;
  /** How often clients should poll tasks/get (SEP-2663 `pollIntervalMs`). */
  readonly pollIntervalMs: number;
  /** The clock, epoch milliseconds (tests move it). */
  readonly now: () => number;
  /** The per-caller tool-call slots a running task holds its place in (MCP_MAX_TOOL_CALLS_PER_CALLER). */
  readonly toolCallSlots?: CallerSlots;
}

type ToolOutcome = CallToolResult | InputRequiredResult;

/** How a task-capable tool runs; registered through `TaskTools.register`. */
export interface TaskToolOptions<Args> {
  /**
   * `optional`: a client that declares the extension gets a task, others the result in the call.
   * `required`: only clients that declare it may call the tool; others get -32021.
   */
  readonly taskSupport: "optional" | "required";
  /**
   * Multi round-trip input gathered in the call itself before the task is created (SEP-2663: resolve MRTR
   * synchronously first). Return an InputRequiredResult to ask, undefined to create the task.
   */
  readonly beforeTask?: (args: Args, ctx: ServerContext) => Promise<InputRequiredResult | undefined>;
  /**
   * The state of a task after `elapsedMs`, for tools whose outcome follows from their arguments and the
   * clock alone: lets a replica that does not run the task answer tasks/get for it.
   */
  readonly replay?: (args: Args, elapsedMs: number) => ReplayedState;
}

/** A replayed state, and how long after the task's creation it began (its `lastUpdatedAt`). */
export type ReplayedState = Omit<TaskState, "lastUpdatedAt"> & {
  /** Milliseconds after the task's creation that this state began. */
  readonly sinceMs: number;
};

/** A task tool's description, as `registerTool` takes it. */
export interface TaskToolConfig<Args> {
  /** A human-readable name for clients' UIs. */
  readonly title?: string;
  /** What the tool does, for the model choosing tools. */
  readonly description: string;
  /** Validates the arguments; its JSON Schema is what tools/list shows. */
  readonly inputSchema: StandardSchemaWithJSON<unknown, Args>;
  /** Hints to clients (read-only, destructive, ...), as the SDK takes them. */
  readonly annotations?: ToolAnnotations;
}

/** Registers tools that can run as tasks for clients that declare the tasks extension. */
export interface TaskTools {
  /** Registers a tool that can run as a task (it is also registered as an ordinary tool). */
  register<Args>(
    name: string,
    config: TaskToolConfig<Args>,
    handler: (args: Args, ctx: ServerContext) => Promise<ToolOutcome>,
    options: TaskToolOptions<Args>,
  ): void;
}

interface TaskTool {
  readonly name: string;
  readonly inputSchema: StandardSchemaWithJSON;
  readonly handler: (args: unknown, ctx: ServerContext) => Promise<ToolOutcome>;
  readonly options: TaskToolOptions<unknown>;
}

type CallRequest = { params: { name: string; arguments?: Record<string, unknown> } };
type Handler = (request: CallRequest, ctx: ServerContext) => Promise<unknown>;

const taskIdParams = z.looseObject({ taskId: z.string() });
// The SDK lifts `inputResponses` out of params into ctx.mcpReq.inputResponses (SEP-2322), as for tools/call.
const updateParams = z.looseObject({
  taskId: z.string(),
  inputResponses: z.record(z.string(), z.unknown()).optional(),
});

const unknownTask = (taskId: string): ProtocolError =>
  new ProtocolError(
    ProtocolErrorCode.InvalidParams,
    `Unknown task ${JSON.stringify(taskId.slice(0, 64))}: not a task of this caller, altered, or past its TTL`,
  );

/**
 * Serves the tasks extension (SEP-2663) on one McpServer: advertises it, answers tasks/get, tasks/update
 * and tasks/cancel (-32021 for a request that does not declare the extension, even where no task tool is
 * registered), and turns a tools/call of a task tool from a declaring client into a CreateTaskResult.
 * Call it before any tool is registered, on a McpServer built without `capabilities.tools` (McpServer then
 * installs its tools/call handler on the first registerTool, which this hooks; listChanged still defaults on).
 */
export function enableTasks(server: McpServer, runtime: TasksRuntime): TaskTools {
  if (server.server.getCapabilities().tools !== undefined) {
    throw new Error(
      "enableTasks: call it before the first registerTool, on a McpServer built without capabilities.tools " +
        "(McpServer installs tools/call then, and the tasks extension must hook it)",
    );
  }
  const tasks = new ServerTasks(runtime);
  server.server.registerCapabilities({ extensions: { [TASKS_EXTENSION]: {} } });
  hookToolsCall(server, (request, ctx, inner) => tasks.callTool(request, ctx, inner));
  serveTaskMethods(server, tasks);
  return {
    register(name, config, handler, options) {
      tasks.tools.set(name, {
        name,
        inputSchema: config.inputSchema as StandardSchemaWithJSON,
        handler: handler as TaskTool["handler"],
        options: options as TaskToolOptions<unknown>,
      });
      server.registerTool(name, config, handler as never);
    },
  };
}

/** Routes the tools/call handler McpServer installs (on its first registerTool) through `call`. */
function hookToolsCall(
  server: McpServer,
  call: (request: CallRequest, ctx: ServerContext, inner: Handler) => Promise<unknown>,
): void {
  const setRequestHandler = server.server.setRequestHandler.bind(server.server) as (...a: unknown[]) => void;
  server.server.setRequestHandler = ((method: string, ...rest: unknown[]) => {
    if (method !== "tools/call" || typeof rest[0] !== "function") return setRequestHandler(method, ...rest);
    const inner = rest[0] as Handler;
    return setRequestHandler(method, (request: CallRequest, ctx: ServerContext) => call(request, ctx, inner));
  }) as McpServer["server"]["setRequestHandler"];
}

/** tasks/get, tasks/update and tasks/cancel, each refused (-32021) to a request not declaring the extension. */
function serveTaskMethods(server: McpServer, tasks: ServerTasks): void {
  const gate = (method: string, ctx: ServerContext): void => {
    if (!declaresTasks(ctx.mcpReq.envelope)) throw tasksExtensionRequired(method);
  };
  server.server.setRequestHandler("tasks/get", { params: taskIdParams }, async ({ taskId }, ctx) => {
    gate("tasks/get", ctx);
    return (await tasks.get(taskId, ctx)) as never;
  });
  server.server.setRequestHandler("tasks/update", { params: updateParams }, async (params, ctx) => {
    gate("tasks/update", ctx);
    await tasks.update(params.taskId, ctx.mcpReq.inputResponses ?? params.inputResponses ?? {}, ctx);
    return {} as never;
  });
  server.server.setRequestHandler("tasks/cancel", { params: taskIdParams }, async ({ taskId }, ctx) => {
    gate("tasks/cancel", ctx);
    await tasks.cancel(taskId, ctx);
    return {} as never;
  });
}

/** The task tools of one McpServer and the tasks they run, on the process-wide runtime. */
class ServerTasks {
  readonly tools = new Map<string, TaskTool>();
  private readonly timing: { readonly ttlMs: number; readonly pollIntervalMs: number };

  constructor(private readonly runtime: TasksRuntime) {
    this.timing = { ttlMs: runtime.ttlMs, pollIntervalMs: runtime.pollIntervalMs };
  }

  /** tools/call: a task tool called by a client that declares the extension runs as a task. */
  async callTool(request: CallRequest, ctx: ServerContext, inner: Handler): Promise<unknown> {
    const tool = this.tools.get(request.params.name);
    if (!tool) return inner(request, ctx);
    if (!declaresTasks(ctx.mcpReq.envelope)) {
      if (tool.options.taskSupport === "required")
        throw tasksExtensionRequired(`Tool '${tool.name}' runs only as a task: it`);
      return inner(request, ctx);
    }
    const parsed = await tool.inputSchema["~standard"].validate(request.params.arguments ?? {});
    if (parsed.issues) {
      // The same answer the SDK gives a synchronous call: a tool error the model can correct.
      const problems = parsed.issues.map((issue) => issue.message).join("; ");
      return errorResult(`Input validation error: Invalid arguments for tool ${tool.name}: ${problems}`);
    }
    const early = await tool.options.beforeTask?.(parsed.value, ctx);
    if (early) return early;
    return this.start(tool, parsed.value, ctx);
  }

  /** tasks/get: the task's current state. */
  async get(taskId: string, ctx: ServerContext) {
    const { state, createdAt } = await this.locate(taskId, ctx);
    return detailedTask(taskId, createdAt, state, this.timing);
  }

  /** tasks/update: answers to the task's outstanding input requests; the last one resumes it. */
  async update(taskId: string, inputResponses: Record<string, unknown>, ctx: ServerContext): Promise<void> {
    const { runtime } = this;
    const { live } = await this.locate(taskId, ctx);
    if (live?.state.status !== "input_required") return;
    // SEP-2663: responses to keys that are not outstanding are ignored; a partial set keeps the task waiting.
    const outstanding = { ...live.state.inputRequests };
    for (const [key, response] of Object.entries(inputResponses)) {
      if (!(key in outstanding)) continue;
      live.responses[key] = response as InputResponses[string];
      delete outstanding[key];
    }
    if (Object.keys(outstanding).length > 0) {
      live.state = { ...live.state, inputRequests: outstanding, lastUpdatedAt: runtime.now() };
    } else {
      live.state = { status: "working", lastUpdatedAt: runtime.now() };
      live.resume?.();
    }
  }

  /** tasks/cancel: cooperative (SEP-2663): the replica running the task stops it; a terminal task stays. */
  async cancel(taskId: string, ctx: ServerContext): Promise<void> {
    const { live } = await this.locate(taskId, ctx);
    if (live && !isTerminal(live.state.status)) {
      live.state = {
        status: "cancelled",
        statusMessage: "Cancelled by the client",
        lastUpdatedAt: this.runtime.now(),
      };
      live.release();
      live.abort.abort();
    }
  }

  /**
   * The task keeps the place under MCP_MAX_TOOL_CALLS_PER_CALLER that the tools/call creating it was admitted
   * to, until it ends: a caller cannot run more tools at once by asking for tasks. No place without a
   * caller (stdio) or without shared slots.
   */
  private holdToolCallSlot(ctx: ServerContext): () => void {
    const caller = callerOf(ctx.http?.authInfo);
    if (caller === undefined || this.runtime.toolCallSlots === undefined) return () => undefined;
    return this.runtime.toolCallSlots.hold(callerKeyOf(caller));
  }

  private async start(tool: TaskTool, args: unknown, ctx: ServerContext): Promise<Record<string, unknown>> {
    const { runtime } = this;
    const createdAt = runtime.now();
    // Arguments ride in the id (readable by whoever sees it: the Mcp-Name header) only where replay needs them.
    const replayArgs = tool.options.replay ? args : undefined;
    const taskId = await runtime.ids.mint(tool.name, replayArgs, createdAt, ctx);
    const live: LiveTask = {
      taskId,
      createdAt,
      state: { status: "working", lastUpdatedAt: createdAt },
      responses: {},
      abort: new AbortController(),
      release: this.holdToolCallSlot(ctx),
    };
    if (!runtime.store.add(live)) {
      live.release();
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `This replica already runs ${runtime.store.size} unfinished tasks; try again later`,
      );
    }
    // Stored before the answer leaves: a tasks/get right after it resolves (SEP-2663 durable create).
    void this.run(live, tool, args, ctx, (ctx.mcpReq.inputResponses ?? {}) as InputResponses, undefined);
    return { resultType: "task", ...detailedTask(taskId, createdAt, live.state, this.timing) };
  }

  private async run(
    live: LiveTask,
    tool: TaskTool,
    args: unknown,
    ctx: ServerContext,
    responses: InputResponses,
    requestState: string | undefined,
  ): Promise<void> {
    const settle = (state: Omit<TaskState, "lastUpdatedAt">): void => {
      if (!isTerminal(live.state.status)) live.state = { ...state, lastUpdatedAt: this.runtime.now() };
      if (isTerminal(live.state.status)) live.release();
    };
    let outcome: ToolOutcome;
    try {
      outcome = await tool.handler(args, taskContext(ctx, live, responses, requestState));
    } catch (error) {
      if (error instanceof ProtocolError) {
        settle({ status: "failed", error: { code: error.code, message: error.message, data: error.data } });
      } else {
        settle({
          status: "completed",
          result: errorResult(error instanceof Error ? error.message : String(error)),
        });
      }
      return;
    }
    if (!isInputRequiredResult(outcome)) {
      settle({ status: "completed", result: outcome, statusMessage: live.state.statusMessage });
      return;
    }
    live.requestState = outcome.requestState;
    live.resume = () => void this.run(live, tool, args, ctx, { ...live.responses }, live.requestState);
    const inputRequests = outcome.inputRequests ?? {};
    if (Object.keys(inputRequests).length === 0) live.resume();
    else settle({ status: "input_required", inputRequests });
  }

  /** The task behind an id of this caller: held here, replayed, or neither (-32602). */
  private async locate(
    taskId: string,
    ctx: ServerContext,
  ): Promise<{ live?: LiveTask; state: TaskState; createdAt: number }> {
    const { runtime } = this;
    const payload = await runtime.ids.read(taskId, ctx);
    if (!payload) throw unknownTask(taskId);
    const live = runtime.store.get(taskId);
    if (live) return { live, state: live.state, createdAt: live.createdAt };
    const replay = this.tools.get(payload.tool)?.options.replay;
    if (!replay) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Task of tool '${payload.tool}' is not held by this replica (it ran on another one, or this one restarted)`,
      );
    }
    const { sinceMs, ...state } = replay(payload.args, runtime.now() - payload.createdAt);
    return { state: { ...state, lastUpdatedAt: payload.createdAt + sinceMs }, createdAt: payload.createdAt };
  }
}

/** The tool's context inside a task: the task's own signal and answers; progress becomes statusMessage. */
function taskContext(
  ctx: ServerContext,
  live: LiveTask,
  responses: InputResponses,
  requestState: string | undefined,
): ServerContext {
  return {
    ...ctx,
    mcpReq: {
      ...ctx.mcpReq,
      signal: live.abort.signal,
      inputResponses: responses,
      // A progress token even when the call had none: the tool's progress becomes the task's statusMessage.
      _meta: { ...ctx.mcpReq._meta, progressToken: ctx.mcpReq._meta?.progressToken ?? live.taskId },
      requestState: (() => requestState) as ServerContext["mcpReq"]["requestState"],
      log: async () => undefined,
      notify: async (notification: { method: string; params?: Record<string, unknown> }) => {
        const message = notification.params?.message;
        if (notification.method === "notifications/progress" && typeof message === "string") {
          if (!isTerminal(live.state.status)) live.state = { ...live.state, statusMessage: message };
        }
      },
    },
  } as ServerContext;
}

function errorResult(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}
