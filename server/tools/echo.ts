import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

/** The longest message echo accepts. */
export const ECHO_MAX_CHARS = 10_000;

// Built once per process, not per server: every pooled or per-session McpServer shares it.
const inputSchema = z.object({
  message: z
    .string()
    .max(ECHO_MAX_CHARS, `message must be at most ${ECHO_MAX_CHARS} characters`)
    .describe(`Text to send back (at most ${ECHO_MAX_CHARS} characters)`),
});

/** `echo {message}`: returns the message, to check connectivity and authentication. */
export function registerEcho(server: McpServer): void {
  server.registerTool(
    "echo",
    {
      title: "Echo",
      description: "Returns the message it was given. Useful to check connectivity and authentication.",
      inputSchema,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ message }) => ({ content: [{ type: "text", text: message }] }),
  );
}
