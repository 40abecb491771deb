import { DefaultAzureCredential } from "@azure/identity";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { McpServer } from "@modelcontextprotocol/server";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { ConfigError } from "../../../server/config-error";
import {
  createQueryLogsDeps,
  formatTable,
  LOG_ANALYTICS_SCOPE,
  QueryLogsDeps,
  registerQueryLogs,
} from "../../../server/tools/query-logs";
import {
  json,
  LogAnalyticsStandIn,
  SAMPLE_RESULT,
  TestCredential,
  TOKEN,
  WORKSPACE_ID,
} from "../support/log-analytics-stand-in";

async function connect(deps: QueryLogsDeps): Promise<Client> {
  const server = new McpServer({ name: "test-server", version: "1.0.0" });
  registerQueryLogs(server, deps);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientTransport);
  return client;
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

// Only the client of the test of a service that never answers has this bound; the others run with the
// product's default (a bound for a hang), so a busy machine cannot turn an answered query into a timeout.
const NEVER_ANSWERED_TIMEOUT_MS = 200;

describe("query_logs", () => {
  const standIn = new LogAnalyticsStandIn();
  const credential = new TestCredential();
  let client: Client;
  let endpoint = "";

  beforeAll(async () => {
    endpoint = await standIn.start();
    client = await connect({ workspaceId: WORKSPACE_ID, credential, endpoint });
  });
  afterAll(async () => {
    await client.close();
    await standIn.stop();
  });
  beforeEach(() => {
    standIn.seen.length = 0;
    standIn.answer = (res) => json(res, 200, SAMPLE_RESULT);
  });

  async function call(args: Record<string, unknown>): Promise<CallToolResult> {
    return (await client.callTool({ name: "query_logs", arguments: args })) as CallToolResult;
  }

  it("is listed as read-only and open-world, with described inputs and an output schema", async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === "query_logs");
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    const properties = tool?.inputSchema.properties as Record<
      string,
      { description?: string; default?: unknown }
    >;
    expect(Object.keys(properties).sort()).toEqual(["maxRows", "query", "timespanMinutes"]);
    for (const field of Object.values(properties)) expect(field.description).toEqual(expect.any(String));
    expect(properties.timespanMinutes.default).toBe(60);
    expect(properties.maxRows.default).toBe(100);
    expect(tool?.inputSchema.required).toEqual(["query"]);
    expect(Object.keys(tool?.outputSchema?.properties ?? {})).toEqual(
      expect.arrayContaining(["columns", "rows", "truncated"]),
    );
  });

  it("posts the query with the bearer token and an ISO-8601 timespan, and returns the table", async () => {
    const result = await call({
      query: "union * | summarize count() by Type, TenantId",
      timespanMinutes: 90,
    });

    expect(standIn.seen).toEqual([
      {
        method: "POST",
        url: `/v1/workspaces/${WORKSPACE_ID}/query`,
        authorization: `Bearer ${TOKEN}`,
        contentType: "application/json",
        body: { query: "union * | summarize count() by Type, TenantId", timespan: "PT90M" },
      },
    ]);
    expect(credential.scopesAsked.at(-1)).toBe(LOG_ANALYTICS_SCOPE);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      table: "PrimaryResult",
      columns: SAMPLE_RESULT.tables[0].columns,
      rows: SAMPLE_RESULT.tables[0].rows,
      totalRows: 3,
      truncated: false,
    });
    expect(textOf(result).split("\n")).toEqual([
      "| Type | TenantId | count_ |",
      "| --- | --- | --- |",
      `| Usage | ${WORKSPACE_ID} | 2 |`,
      `| Heartbeat | ${WORKSPACE_ID} | 5 |`,
      `| ContainerAppConsoleLogs_CL | ${WORKSPACE_ID} | 7 |`,
    ]);
  });

  it("defaults to the last 60 minutes", async () => {
    await call({ query: "Heartbeat | take 1" });
    expect(standIn.seen[0].body).toEqual({ query: "Heartbeat | take 1", timespan: "PT60M" });
  });

  it("cuts the rows off at maxRows and says so", async () => {
    const result = await call({ query: "Heartbeat", maxRows: 2 });
    expect(result.structuredContent).toMatchObject({
      rows: SAMPLE_RESULT.tables[0].rows.slice(0, 2),
      totalRows: 3,
      truncated: true,
    });
    expect(textOf(result)).not.toContain("ContainerAppConsoleLogs_CL");
    expect(textOf(result)).toContain("2 of 3 rows shown");
  });

  it("passes on a partial result with the service's warning", async () => {
    standIn.answer = (res) =>
      json(res, 200, {
        ...SAMPLE_RESULT,
        error: { code: "PartialError", message: "There were some errors when processing your query." },
      });
    const result = await call({ query: "Heartbeat" });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      totalRows: 3,
      partialError: "PartialError: There were some errors when processing your query.",
    });
    expect(textOf(result)).toContain("(partial result: PartialError: There were some errors");
  });

  it("returns the service's message, inner error included, for a 400", async () => {
    standIn.answer = (res) =>
      json(res, 400, {
        error: {
          code: "BadArgumentError",
          message: "The request had some invalid properties",
          innererror: { code: "SemanticError", message: "'NoSuchTable' could not be resolved" },
        },
      });
    const result = await call({ query: "NoSuchTable | take 1" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      "query_logs: Log Analytics answered 400: BadArgumentError: The request had some invalid properties — " +
        "SemanticError: 'NoSuchTable' could not be resolved",
    );
    expect(result.structuredContent).toBeUndefined();
  });

  it("returns the service's message for a 403", async () => {
    standIn.answer = (res) =>
      json(res, 403, {
        error: {
          code: "InsufficientAccessError",
          message: "The provided credentials have insufficient access",
        },
      });
    const result = await call({ query: "Heartbeat" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(
      "403: InsufficientAccessError: The provided credentials have insufficient access",
    );
  });

  it("gives up with a timeout error when the service never answers", async () => {
    standIn.answer = () => undefined; // hold the request open
    const impatient = await connect({
      workspaceId: WORKSPACE_ID,
      credential,
      endpoint,
      timeoutMs: NEVER_ANSWERED_TIMEOUT_MS,
    });
    try {
      const result = (await impatient.callTool({
        name: "query_logs",
        arguments: { query: "Heartbeat" },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe(
        `query_logs: Log Analytics did not answer within ${NEVER_ANSWERED_TIMEOUT_MS} ms`,
      );
    } finally {
      await impatient.close();
    }
  });

  it.each([
    ["an empty query", { query: "  " }, "query must not be empty"],
    [
      "a query over 10,000 characters",
      { query: "x".repeat(10_001) },
      "query must be at most 10000 characters",
    ],
    ["no query", {}, "query: Invalid input: expected string, received undefined"],
    [
      "timespanMinutes 0",
      { query: "Heartbeat", timespanMinutes: 0 },
      "timespanMinutes must be between 1 and 10080",
    ],
    [
      "timespanMinutes 10081",
      { query: "T", timespanMinutes: 10_081 },
      "timespanMinutes must be between 1 and 10080",
    ],
    [
      "timespanMinutes 1.5",
      { query: "Heartbeat", timespanMinutes: 1.5 },
      "timespanMinutes must be a whole number",
    ],
    ["maxRows 1001", { query: "Heartbeat", maxRows: 1001 }, "maxRows must be between 1 and 1000"],
    [
      "maxRows as a string",
      { query: "Heartbeat", maxRows: "10" },
      "maxRows: Invalid input: expected number, received string",
    ],
  ])("rejects %s naming the field, without calling the service", async (_label, args, message) => {
    const result = await call(args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("Invalid arguments for tool query_logs");
    expect(textOf(result)).toContain(message);
    expect(standIn.seen).toEqual([]);
  });
});

describe("formatTable", () => {
  it("escapes pipes and newlines and prints dynamic values as JSON", () => {
    expect(
      formatTable(
        [{ name: "a" }, { name: "b" }],
        [
          ["x|y\nz", { k: 1 }],
          [null, true],
        ],
      ),
    ).toBe(["| a | b |", "| --- | --- |", '| x\\|y z | {"k":1} |', "|  | true |"].join("\n"));
  });
});

describe("createQueryLogsDeps", () => {
  it("uses DefaultAzureCredential for the workspace", () => {
    const deps = createQueryLogsDeps({
      workspaceId: WORKSPACE_ID,
      azureClientId: "11111111-2222-3333-4444-555555555555",
    });
    expect(deps.workspaceId).toBe(WORKSPACE_ID);
    expect(deps.credential).toBeInstanceOf(DefaultAzureCredential);
  });

  it("fails when the workspace id is not a GUID", () => {
    expect(() => createQueryLogsDeps({ workspaceId: "my-workspace" })).toThrow(ConfigError);
    expect(() => createQueryLogsDeps({ workspaceId: "my-workspace" })).toThrow(
      /LOG_ANALYTICS_WORKSPACE_ID="my-workspace" is not valid: the workspace id is a GUID/,
    );
  });

  it("fails when AZURE_CLIENT_ID is not a GUID", () => {
    expect(() => createQueryLogsDeps({ workspaceId: WORKSPACE_ID, azureClientId: "my-identity" })).toThrow(
      /AZURE_CLIENT_ID="my-identity" is not valid/,
    );
  });
});
