import { randomBytes } from "node:crypto";
import {
  acceptedContent,
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { createTasksRuntime } from "../../../server/tasks/runtime";
import { enableTasks } from "../../../server/tasks/tasks";
import { abortableSleep } from "../../../server/abortable-sleep";

// The tools the tasks-* scenarios of @modelcontextprotocol/conformance 0.2.0-alpha.12 call (SEP-2663), on
// the product's own tasks extension (server/tasks). One runtime per process: the fixtures server is one.
const runtime = createTasksRuntime({ key: randomBytes(32) });

const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });

const askConfirmation = (message: string) =>
  inputRequired.elicit({
    message,
    requestedSchema: { type: "object", properties: { confirm: { type: "boolean" } }, required: ["confirm"] },
  });
const confirmation = z.object({ confirm: z.boolean() });
const name = z.object({ name: z.string() });

/** Serves the tasks extension on `server` with the scenarios' tools; call before any other tool. */
export function registerTaskFixtures(server: McpServer): void {
  const tasks = enableTasks(server, runtime);
  server.registerTool(
    "greet",
    { description: "Greets synchronously (never a task)", inputSchema: name },
    async (args) => text(`Hello, ${args.name}!`),
  );
  tasks.register(
    "slow_compute",
    {
      description: "Sleeps `seconds`, then answers; a task for clients that declare the tasks extension",
      inputSchema: z.object({ seconds: z.number().min(0).max(600), label: z.string().optional() }),
    },
    async ({ seconds, label }, ctx) => {
      await abortableSleep(seconds * 1000, ctx.mcpReq.signal);
      return text(`Computed ${label ?? "result"} after ${seconds} s`);
    },
    { taskSupport: "optional" },
  );
  tasks.register(
    "failing_job",
    {
      description: "Reports a tool error after about a second; runs only as a task",
      inputSchema: z.object({}),
    },
    async (_args, ctx) => {
      await abortableSleep(1000, ctx.mcpReq.signal);
      return { ...text("failing_job failed, as it always does"), isError: true };
    },
    { taskSupport: "required" },
  );
  tasks.register(
    "protocol_error_job",
    { description: "Fails with a JSON-RPC error (a failed task)", inputSchema: z.object({}) },
    async () => {
      throw new ProtocolError(ProtocolErrorCode.InternalError, "protocol_error_job panicked");
    },
    { taskSupport: "optional" },
  );
  tasks.register(
    "confirm_delete",
    { description: "Asks for confirmation inside the task", inputSchema: z.object({ filename: z.string() }) },
    async ({ filename }, ctx): Promise<CallToolResult | InputRequiredResult> => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, "confirm", confirmation);
      if (answer === undefined) {
        return inputRequired({ inputRequests: { confirm: askConfirmation(`Delete ${filename}?`) } });
      }
      return text(answer.confirm ? `Deleted ${filename}` : `Kept ${filename}`);
    },
    { taskSupport: "optional" },
  );
  tasks.register(
    "multi_input",
    { description: "Asks two questions at once inside the task", inputSchema: z.object({}) },
    async (_args, ctx: ServerContext): Promise<CallToolResult | InputRequiredResult> => {
      const responses = ctx.mcpReq.inputResponses ?? {};
      if ("first" in responses && "second" in responses) return text("Both inputs received");
      return inputRequired({
        inputRequests: {
          first: askConfirmation("First question: proceed?"),
          second: askConfirmation("Second question: proceed?"),
        },
      });
    },
    { taskSupport: "optional" },
  );
  tasks.register(
    "test_tool_with_task",
    { description: "Asks for a name in the call, then runs as a task", inputSchema: z.object({}) },
    async (_args, ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, "user_name", name);
      await abortableSleep(200, ctx.mcpReq.signal);
      return text(`Hello, ${answer?.name ?? "stranger"}! (from a task)`);
    },
    {
      taskSupport: "required",
      beforeTask: async (_args, ctx) =>
        acceptedContent(ctx.mcpReq.inputResponses, "user_name", name) === undefined
          ? inputRequired({
              inputRequests: {
                user_name: inputRequired.elicit({
                  message: "What is your name?",
                  requestedSchema: {
                    type: "object",
                    properties: { name: { type: "string" } },
                    required: ["name"],
                  },
                }),
              },
            })
          : undefined,
    },
  );
}
