import type { TokenCredential } from "@azure/identity";
import { loadAzureIdentity } from "../lazy-load";
import { McpServer } from "@modelcontextprotocol/server";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import { ConfigError } from "../config-error";
import { GUID_PATTERN } from "../guid";

/** What query_logs needs from the outside world; injectable so tests can point it at a stand-in. */
export interface QueryLogsDeps {
  /** The Log Analytics workspace id (a GUID: "Workspace ID" in the portal, `customer_id` in Terraform). */
  readonly workspaceId: string;
  /** Gets bearer tokens for the Log Analytics API; in Azure, the container's managed identity. */
  readonly credential: TokenCredential;
  /** @default "https://api.loganalytics.io" */
  readonly endpoint?: string;
  /**
   * Bound on token + query time. Below the SDK clients' 60 s default request timeout, so the caller
   * sees our error rather than its own.
   * @default 30000
   */
  readonly timeoutMs?: number;
}

/** The Log Analytics query API of Azure's public cloud. */
export const LOG_ANALYTICS_DEFAULT_ENDPOINT = "https://api.loganalytics.io";
/** The token scope of the Log Analytics query API. */
export const LOG_ANALYTICS_SCOPE = "https://api.loganalytics.io/.default";
/** The longest KQL query query_logs accepts. */
export const QUERY_MAX_CHARS = 10_000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Builds QueryLogsDeps from the server's environment: DefaultAzureCredential, which in Container Apps uses
 * the user-assigned managed identity named by `AZURE_CLIENT_ID`.
 */
export function createQueryLogsDeps(config: {
  workspaceId: string;
  azureClientId?: string;
  /** @default - DefaultAzureCredential for `azureClientId` (tests pass a stand-in) */
  credential?: TokenCredential;
  endpoint?: string;
  timeoutMs?: number;
}): QueryLogsDeps {
  if (!GUID_PATTERN.test(config.workspaceId)) {
    throw new ConfigError(
      "LOG_ANALYTICS_WORKSPACE_ID",
      config.workspaceId,
      "the workspace id is a GUID (the workspace's customer id), e.g. 00000000-0000-0000-0000-000000000000",
    );
  }
  if (config.azureClientId !== undefined && !GUID_PATTERN.test(config.azureClientId)) {
    throw new ConfigError(
      "AZURE_CLIENT_ID",
      config.azureClientId,
      "the client id of a managed identity (a GUID)",
    );
  }
  return {
    workspaceId: config.workspaceId,
    credential:
      config.credential ??
      new (loadAzureIdentity().DefaultAzureCredential)({ managedIdentityClientId: config.azureClientId }),
    endpoint: config.endpoint,
    timeoutMs: config.timeoutMs,
  };
}

/** SEP-2243's schema keyword naming the header a tool parameter is mirrored in (`Mcp-Param-{name}`). */
const X_MCP_HEADER = "x-mcp-header";
/** query_logs' timespanMinutes travels in `Mcp-Param-Timespan-Minutes` too (2026-07-28 clients over HTTP). */
export const QUERY_LOGS_TIMESPAN_HEADER = "Timespan-Minutes";

const inputSchema = z.object({
  query: z
    .string()
    .trim()
    .min(1, "query must not be empty")
    .max(QUERY_MAX_CHARS, `query must be at most ${QUERY_MAX_CHARS} characters`)
    .describe("A read-only KQL query, e.g. `ContainerAppConsoleLogs_CL | take 20`"),
  timespanMinutes: z
    .number()
    .int("timespanMinutes must be a whole number")
    .min(1, "timespanMinutes must be between 1 and 10080 (7 days)")
    .max(10_080, "timespanMinutes must be between 1 and 10080 (7 days)")
    .default(60)
    .describe("How far back to look, in minutes (1..10080); applied on top of any time filter in the query")
    // SEP-2243: mirrored in the Mcp-Param-Timespan-Minutes header, so a gateway or rate limiter can hold back
    // expensive long-span queries without parsing the body; the SDK rejects a header that disagrees (-32020).
    .meta({ [X_MCP_HEADER]: QUERY_LOGS_TIMESPAN_HEADER }),
  maxRows: z
    .number()
    .int("maxRows must be a whole number")
    .min(1, "maxRows must be between 1 and 1000")
    .max(1000, "maxRows must be between 1 and 1000")
    .default(100)
    .describe("Most rows to return (1..1000); more are cut off and `truncated` is set"),
});

const outputSchema = z.object({
  table: z.string().describe("Name of the result table (normally PrimaryResult)"),
  columns: z.array(z.object({ name: z.string(), type: z.string() })).describe("Column names and KQL types"),
  rows: z.array(z.array(z.unknown())).describe("Row values in column order, at most maxRows"),
  totalRows: z.number().int().describe("Rows the service returned before truncation"),
  truncated: z.boolean().describe("True when rows were cut off at maxRows"),
  partialError: z
    .string()
    .optional()
    .describe("Set when the service returned only part of the result (e.g. it hit its own limits)"),
});

interface LogAnalyticsTable {
  name: string;
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

interface LogAnalyticsError {
  code?: string;
  message?: string;
  innererror?: LogAnalyticsError;
}

/** `query_logs {query, timespanMinutes, maxRows}`: a read-only KQL query against the workspace. */
export function registerQueryLogs(server: McpServer, deps: QueryLogsDeps): void {
  server.registerTool(
    "query_logs",
    {
      title: "Query logs",
      description:
        "Runs a read-only KQL query against this server's Log Analytics workspace and returns the rows " +
        "as a table. Use it to inspect container logs, requests and metrics.",
      inputSchema,
      outputSchema,
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async ({ query, timespanMinutes, maxRows }, ctx) =>
      runQuery(deps, { query, timespanMinutes, maxRows }, ctx.mcpReq.signal),
  );
}

async function runQuery(
  deps: QueryLogsDeps,
  args: { query: string; timespanMinutes: number; maxRows: number },
  cancelled: AbortSignal,
): Promise<CallToolResult> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), cancelled]);
  const endpoint = (deps.endpoint ?? LOG_ANALYTICS_DEFAULT_ENDPOINT).replace(/\/+$/, "");
  const url = `${endpoint}/v1/workspaces/${encodeURIComponent(deps.workspaceId)}/query`;
  try {
    const token = await deps.credential.getToken(LOG_ANALYTICS_SCOPE, { abortSignal: signal });
    if (!token) return toolError("query_logs: the managed identity returned no token for Log Analytics");
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
      body: JSON.stringify({ query: args.query, timespan: `PT${args.timespanMinutes}M` }),
      signal,
    });
    const body = await readJson(response);
    if (!response.ok)
      return toolError(`query_logs: Log Analytics answered ${response.status}: ${describe(body)}`);
    const table = (body as { tables?: LogAnalyticsTable[] } | undefined)?.tables?.[0];
    if (!table) return toolError("query_logs: Log Analytics answered without a result table");
    const partialError = (body as { error?: LogAnalyticsError }).error ? describe(body) : undefined;
    return toResult(table, args.maxRows, partialError);
  } catch (error) {
    if (signal.aborted && !cancelled.aborted) {
      return toolError(`query_logs: Log Analytics did not answer within ${timeoutMs} ms`);
    }
    return toolError(`query_logs: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The service's own words: `error.message` plus the inner errors, where KQL puts the actual cause. */
function describe(body: unknown): string {
  let error = (body as { error?: LogAnalyticsError } | undefined)?.error;
  if (!error) return typeof body === "string" && body ? body.slice(0, 500) : "(no error details)";
  const parts: string[] = [];
  for (let depth = 0; error && depth < 5; depth++, error = error.innererror) {
    parts.push(error.code ? `${error.code}: ${error.message ?? ""}` : (error.message ?? ""));
  }
  return parts.join(" — ");
}

function toResult(table: LogAnalyticsTable, maxRows: number, partialError?: string): CallToolResult {
  const rows = table.rows.slice(0, maxRows);
  const truncated = table.rows.length > maxRows;
  const structuredContent = {
    table: table.name,
    columns: table.columns.map(({ name, type }) => ({ name, type })),
    rows,
    totalRows: table.rows.length,
    truncated,
    ...(partialError ? { partialError } : {}),
  };
  let note = truncated ? `\n(${rows.length} of ${table.rows.length} rows shown; raise maxRows for more)` : "";
  if (partialError) note += `\n(partial result: ${partialError})`;
  return {
    content: [{ type: "text", text: formatTable(structuredContent.columns, rows) + note }],
    structuredContent,
  };
}

/** A Markdown table: readable as plain text and rendered by most MCP clients. */
export function formatTable(columns: { name: string }[], rows: unknown[][]): string {
  if (columns.length === 0) return "(no columns)";
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const lines = [line(columns.map((c) => cell(c.name))), line(columns.map(() => "---"))];
  for (const row of rows) lines.push(line(columns.map((_, i) => cell(row[i]))));
  if (rows.length === 0) lines.push("(no rows)");
  return lines.join("\n");
}

function cell(value: unknown): string {
  const text =
    value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}
