import type { CallToolResult } from "@modelcontextprotocol/server";
import type { TaskTools } from "../tasks/tasks";
import { z } from "zod";
import { abortableSleep } from "../abortable-sleep";

const TICK_MS = 1000;

// Built once per process, not per server: every pooled or per-session McpServer shares it.
const inputSchema = z.object({
  seconds: z.number().int().min(1).max(600).describe("How long to wait, in whole seconds (1 to 600)"),
});

const waited = (seconds: number): CallToolResult => ({
  content: [{ type: "text", text: `Waited ${seconds} seconds` }],
});

/**
 * Waits `seconds`, reporting progress every second when the client sent a progressToken. It proves that
 * streaming works through proxies and that long calls survive idle timeouts. Stops early on cancellation.
 * A client that declares the tasks extension gets a task instead (SEP-2663): its outcome follows from the
 * arguments and the clock, so any replica answers tasks/get for it (`replay`), not only the one running it.
 */
export function registerWaitWithProgress(tasks: TaskTools, tickMs: number = TICK_MS): void {
  tasks.register(
    "wait_with_progress",
    {
      title: "Wait with progress",
      description:
        "Waits the given number of seconds, sending a progress notification every second when the request carries a progressToken. Cancellable. Runs as a task for clients that declare the io.modelcontextprotocol/tasks extension.",
      inputSchema,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ seconds }, ctx) => {
      const { signal } = ctx.mcpReq;
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let elapsed = 1; elapsed <= seconds; elapsed++) {
        await abortableSleep(tickMs, signal);
        if (signal.aborted) {
          return {
            content: [{ type: "text", text: `Cancelled after ${elapsed - 1} of ${seconds} seconds` }],
            isError: true,
          };
        }
        if (progressToken !== undefined) {
          await ctx.mcpReq.notify({
            method: "notifications/progress",
            params: {
              progressToken,
              progress: elapsed,
              total: seconds,
              message: progressMessage(elapsed, seconds),
            },
          });
        }
      }
      return waited(seconds);
    },
    {
      taskSupport: "optional",
      replay: ({ seconds }, elapsedMs) => {
        const ticks = Math.min(Math.floor(elapsedMs / tickMs), seconds);
        return ticks < seconds
          ? { status: "working", statusMessage: progressMessage(ticks, seconds), sinceMs: ticks * tickMs }
          : { status: "completed", result: waited(seconds), sinceMs: seconds * tickMs };
      },
    },
  );
}

const progressMessage = (elapsed: number, seconds: number): string => `${elapsed}/${seconds} s`;
