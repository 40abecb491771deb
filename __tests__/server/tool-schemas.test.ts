import { fromJsonSchema, McpServer, type JsonSchemaType } from "@modelcontextprotocol/server";
import { loadConfig } from "../../server/config";
import { serverDepsFor } from "../../server/server-deps";
import { QUERY_LOGS_TIMESPAN_HEADER } from "../../server/tools/query-logs";
import { JSON_SCHEMA_2020_12_INPUT } from "../conformance/support/fixtures-server";
import { LogAnalyticsStandIn, TestCredential, WORKSPACE_ID } from "./support/log-analytics-stand-in";
import { RunningServer, startServer } from "./support/test-server";
import { rpc } from "./tasks/support/tasks-rpc";

/** SEP-2243 HeaderMismatch; the SDK has no ProtocolErrorCode member for it (its validation ladder emits it). */
const HEADER_MISMATCH = -32020;

type ListedTool = { name: string; inputSchema: Record<string, unknown> };
const listTools = async (url: URL): Promise<ListedTool[]> =>
  (await rpc(url, "tools/list", {})).result?.tools as ListedTool[];

/** A server whose one tool has a JSON Schema 2020-12 input schema, registered as raw JSON (fromJsonSchema). */
function schemaServer(): McpServer {
  const server = new McpServer({ name: "schemas", version: "1" });
  server.registerTool(
    "json_schema_2020_12_tool",
    {
      description: "2020-12 keywords",
      inputSchema: fromJsonSchema(JSON_SCHEMA_2020_12_INPUT as JsonSchemaType),
    },
    async () => ({ content: [{ type: "text", text: "ok" }] }),
  );
  return server;
}

describe("tool input schemas go out as registered (SEP-2106)", () => {
  let upstream: RunningServer;
  let front: RunningServer;
  beforeAll(async () => {
    upstream = await startServer({}, { serverFactory: schemaServer });
    front = await startServer({ MCP_UPSTREAM_URL: upstream.mcpUrl.href });
  });
  afterAll(async () => {
    await front.close();
    await upstream.close();
  });

  it("lists allOf, if/then/else, $anchor, $defs and $schema unchanged through createApp", async () => {
    const [tool] = await listTools(upstream.mcpUrl);
    expect(tool.inputSchema).toEqual(JSON_SCHEMA_2020_12_INPUT);
  });

  it("passes an upstream's schema through front mode unchanged", async () => {
    const tools = await listTools(front.mcpUrl);
    expect(tools.find((t) => t.name === "json_schema_2020_12_tool")?.inputSchema).toEqual(
      JSON_SCHEMA_2020_12_INPUT,
    );
  });
});

describe("query_logs mirrors timespanMinutes in a header (SEP-2243)", () => {
  const standIn = new LogAnalyticsStandIn();
  let server: RunningServer;
  const header = `mcp-param-${QUERY_LOGS_TIMESPAN_HEADER.toLowerCase()}`;
  const call = (headers: Record<string, string>) =>
    rpc(
      server.mcpUrl,
      "tools/call",
      { name: "query_logs", arguments: { query: "Heartbeat", timespanMinutes: 15 } },
      { headers },
    );
  beforeAll(async () => {
    const endpoint = await standIn.start();
    const env = { LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID };
    const deps = serverDepsFor(loadConfig(env), {
      credential: new TestCredential(),
      logAnalyticsEndpoint: endpoint,
    });
    server = await startServer(env, { deps });
  });
  afterAll(async () => {
    await server.close();
    await standIn.stop();
  });

  it("declares x-mcp-header on timespanMinutes in tools/list", async () => {
    const tool = (await listTools(server.mcpUrl)).find((t) => t.name === "query_logs");
    const properties = tool?.inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(properties.timespanMinutes["x-mcp-header"]).toBe(QUERY_LOGS_TIMESPAN_HEADER);
    expect(properties.query["x-mcp-header"]).toBeUndefined();
  });

  it("runs the call when the header matches the body, plain or Base64-wrapped", async () => {
    for (const value of ["15", `=?base64?${Buffer.from("15").toString("base64")}?=`]) {
      const answer = await call({ [header]: value });
      expect(answer.status).toBe(200);
      expect(answer.result?.isError).toBeFalsy();
    }
  });

  it.each([
    ["missing", {}],
    ["disagreeing", { [header]: "16" }],
    ["badly Base64-encoded", { [header]: "=?base64?MTU?=" }],
  ])("refuses a %s header with 400 and -32020 before the tool runs", async (_case, headers) => {
    const before = standIn.seen.length;
    const answer = await call(headers);
    expect(answer.status).toBe(400);
    expect(answer.error?.code).toBe(HEADER_MISMATCH);
    expect(answer.error?.message).toContain("Mcp-Param-Timespan-Minutes");
    expect(standIn.seen.length).toBe(before);
  });
});
