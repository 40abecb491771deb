import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { requestLogLines, TOOL_CALL_SPANS } from "../../constructs/monitoring-queries";
import { traceToolHandler } from "../../server/telemetry";
import { useInMemoryTracing } from "../server/support/in-memory-tracing";
import { RunningServer, startServer } from "../server/support/test-server";

// The monitoring queries read fields by name from the server's log lines and span attributes. These tests
// run the real server, make a real tool call with the SDK client, and check that every field the queries
// name is in what the server emitted, so a renamed field breaks `npm test` instead of the dashboards.

const KEY = "k".repeat(40);

/** The JSON fields of a log line the request-log queries read: every `entry.<field>`. */
function logFieldsRead(): string[] {
  return [...new Set([...requestLogLines("x").matchAll(/entry\.(\w+)/g)].map((match) => match[1]))];
}

/** The span attributes the tool-call queries read: every `Properties["<attribute>"]`. */
function spanAttributesRead(): string[] {
  return [...TOOL_CALL_SPANS.matchAll(/Properties\["([^"]+)"\]/g)].map((match) => match[1]);
}

/** One real `tools/call` of `echo` with the SDK client over Streamable HTTP. */
async function callEcho(server: RunningServer): Promise<void> {
  const client = new Client({ name: "contract", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, { requestInit: { headers: { "x-api-key": KEY } } }),
  );
  try {
    await client.callTool({ name: "echo", arguments: { message: "hi" } });
  } finally {
    await client.close();
  }
}

describe("what the monitoring queries read is what the server emits", () => {
  const spans = useInMemoryTracing();
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(
      { AUTH_MODE: "apikey", MCP_API_KEYS: `ops:${KEY}` },
      { deps: { wrapToolHandler: traceToolHandler } },
    );
  });
  afterAll(() => server.close());

  it("a tools/call request log line has every field the queries read, with the caller and the status", async () => {
    await callEcho(server);
    const line = server
      .logLines()
      .find((entry) => entry.msg === "request" && entry.rpcMethod === "tools/call");
    expect(logFieldsRead()).toEqual(
      expect.arrayContaining(["msg", "status", "path", "callerId", "rpcMethod"]),
    );
    for (const field of logFieldsRead()) expect([field, line?.[field]]).toEqual([field, expect.anything()]);
    expect(line).toMatchObject({ status: 200, path: "/mcp", callerId: "ops" });
  });

  it("a tool-call span is named `tools/call <tool>` and carries every attribute the queries read", async () => {
    await callEcho(server);
    const span = spans.getFinishedSpans().find((finished) => finished.name === "tools/call echo");
    expect(TOOL_CALL_SPANS).toContain('Name startswith "tools/call "');
    expect(spanAttributesRead()).toEqual(["gen_ai.tool.name", "tool.outcome"]);
    expect(span?.attributes).toMatchObject({ "gen_ai.tool.name": "echo", "tool.outcome": "ok" });
  });
});
