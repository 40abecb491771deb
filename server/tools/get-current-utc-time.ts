import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

// Built once per process, not per server: every pooled or per-session McpServer shares it.
const outputSchema = z.object({
  utc: z.string().describe("ISO 8601 timestamp in UTC, e.g. 2026-01-31T12:00:00.000Z"),
});

/** `get_current_utc_time {}`: the server's time in UTC, ISO 8601; tests pass `now`. */
export function registerGetCurrentUtcTime(server: McpServer, now: () => Date = () => new Date()): void {
  server.registerTool(
    "get_current_utc_time",
    {
      title: "Current UTC time",
      description: "Returns the server's current time in UTC as an ISO 8601 string.",
      outputSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () => {
      const utc = now().toISOString();
      return { content: [{ type: "text", text: utc }], structuredContent: { utc } };
    },
  );
}
