import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { loadConfig } from "../../server/config";
import { serverDepsFor } from "../../server/server-deps";
import { useInMemoryTracing } from "./support/in-memory-tracing";
import { LOG_ANALYTICS_SCOPE } from "../../server/tools/query-logs";
import {
  LogAnalyticsStandIn,
  SAMPLE_RESULT,
  TestCredential,
  TOKEN,
  WORKSPACE_ID,
} from "./support/log-analytics-stand-in";
import { RunningServer, startServer } from "./support/test-server";
import { builtInToolNames } from "./support/tool-names";

const CONNECTION_STRING = "InstrumentationKey=00000000-0000-0000-0000-000000000000";

async function startWith(env: Record<string, string>, azure: Parameters<typeof serverDepsFor>[1] = {}) {
  const server = await startServer(env, { deps: serverDepsFor(loadConfig(env), azure) });
  const client = new Client({ name: "server-deps", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
  return { server, client };
}

async function stop({ server, client }: { server: RunningServer; client: Client }): Promise<void> {
  await client.close();
  await server.close();
}

describe("serverDepsFor: query_logs", () => {
  const standIn = new LogAnalyticsStandIn();
  let endpoint: string;
  beforeAll(async () => {
    endpoint = await standIn.start();
  });
  afterAll(() => standIn.stop());

  it("serves query_logs through the real server when LOG_ANALYTICS_WORKSPACE_ID is set", async () => {
    const credential = new TestCredential();
    const running = await startWith(
      { LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID },
      { credential, logAnalyticsEndpoint: endpoint },
    );
    try {
      const { tools } = await running.client.listTools();
      expect(tools.map((t) => t.name)).toContain("query_logs");
      const result = (await running.client.callTool({
        name: "query_logs",
        arguments: { query: "Heartbeat | take 3", timespanMinutes: 15 },
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        rows: SAMPLE_RESULT.tables[0].rows,
        truncated: false,
      });
      expect(standIn.seen.at(-1)).toEqual({
        method: "POST",
        url: `/v1/workspaces/${WORKSPACE_ID}/query`,
        authorization: `Bearer ${TOKEN}`,
        contentType: "application/json",
        body: { query: "Heartbeat | take 3", timespan: "PT15M" },
      });
      expect(credential.scopesAsked).toEqual([LOG_ANALYTICS_SCOPE]);
    } finally {
      await stop(running);
    }
  });

  it("leaves query_logs out when LOG_ANALYTICS_WORKSPACE_ID is unset", async () => {
    const running = await startWith({});
    try {
      const { tools } = await running.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual((await builtInToolNames()).sort());
    } finally {
      await stop(running);
    }
  });
});

describe("serverDepsFor: telemetry", () => {
  const exporter = useInMemoryTracing();

  it("wraps every tool call in a span when APPLICATIONINSIGHTS_CONNECTION_STRING is set", async () => {
    const running = await startWith({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING });
    try {
      await running.client.callTool({ name: "echo", arguments: { message: "traced" } });
    } finally {
      await stop(running);
    }
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.attributes["tool.outcome"]])).toEqual([
      ["tools/call echo", "ok"],
    ]);
  });

  it("records no span when it is unset", async () => {
    const running = await startWith({});
    try {
      await running.client.callTool({ name: "echo", arguments: { message: "untraced" } });
    } finally {
      await stop(running);
    }
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
