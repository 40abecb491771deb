import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { McpServer } from "@modelcontextprotocol/server";
import { propagation, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { z } from "zod";
import { ConfigError } from "../../server/config-error";
import { createMcpServer } from "../../server/create-mcp-server";
import { AzureMonitorModule, startTelemetry, traceToolCall, traceToolHandler } from "../../server/telemetry";
import { useInMemoryTracing } from "./support/in-memory-tracing";
import { modernHeaders, modernRequest } from "./support/modern";
import { MCP_HEADERS, startServer } from "./support/test-server";

const REPO = join(__dirname, "..", "..");

describe("traceToolCall", () => {
  const exporter = useInMemoryTracing();

  function onlySpan() {
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    return spans[0];
  }

  it("records a successful call with the tool name, its duration and outcome ok", async () => {
    const result = await traceToolCall("echo", async () => ({ content: [{ type: "text", text: "hi" }] }));

    expect(result).toEqual({ content: [{ type: "text", text: "hi" }] });
    const span = onlySpan();
    expect(span.name).toBe("tools/call echo");
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.attributes).toEqual({
      "mcp.method.name": "tools/call",
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "echo",
      "tool.outcome": "ok",
    });
    expect(span.status.code).toBe(SpanStatusCode.OK);
    expect(span.ended).toBe(true);
    expect(span.duration).toEqual([expect.any(Number), expect.any(Number)]);
  });

  it("records an isError result as outcome error, tool_error", async () => {
    await traceToolCall("query_logs", async () => ({ content: [], isError: true }));

    const span = onlySpan();
    expect(span.attributes).toMatchObject({ "tool.outcome": "error", "error.type": "tool_error" });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("records a thrown error with its type and rethrows it unchanged", async () => {
    const failure = new TypeError("boom");
    await expect(traceToolCall("whoami", () => Promise.reject(failure))).rejects.toBe(failure);

    const span = onlySpan();
    expect(span.attributes).toMatchObject({ "tool.outcome": "error", "error.type": "TypeError" });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "boom" });
    expect(span.events.map((event) => event.name)).toEqual(["exception"]);
  });

  it("traces every tool of createMcpServer({ wrapToolHandler: traceToolHandler }), extra tools included", async () => {
    const server = createMcpServer({
      wrapToolHandler: traceToolHandler,
      extraTools: [(s) => registerShoutAndFail(s)],
    });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientTransport);

    const shout = await client.callTool({ name: "shout", arguments: { message: "hi" } });
    await client.callTool({ name: "fail", arguments: {} });
    await client.callTool({ name: "echo", arguments: { message: "built-in" } });
    await client.close();

    expect(shout.content).toEqual([{ type: "text", text: "HI" }]);
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.attributes["tool.outcome"]])).toEqual([
      ["tools/call shout", "ok"],
      ["tools/call fail", "error"],
      ["tools/call echo", "ok"],
    ]);
  });
});

describe("trace context from the request's _meta", () => {
  const exporter = useInMemoryTracing();
  const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  const PARENT_SPAN_ID = "b7ad6b7169203331";
  const meta = { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`, tracestate: "vendor=x" };
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it.each(["2026-07-28", "2025"] as const)(
    "%s era: traceparent and tracestate become the parent of the tool-call span",
    async (era) => {
      const server = await startServer({}, { deps: { wrapToolHandler: traceToolHandler } });
      try {
        const params = { name: "echo", arguments: { message: "traced" } };
        const [headers, body] =
          era === "2026-07-28"
            ? [modernHeaders("tools/call", "echo"), modernRequest(1, "tools/call", params, meta)]
            : [
                MCP_HEADERS,
                { jsonrpc: "2.0", id: 1, method: "tools/call", params: { ...params, _meta: meta } },
              ];
        const response = await fetch(server.mcpUrl, { method: "POST", headers, body: JSON.stringify(body) });
        expect(await response.text()).toContain("traced");
        const [span] = exporter.getFinishedSpans();
        expect(span?.name).toBe("tools/call echo");
        expect(span?.spanContext().traceId).toBe(TRACE_ID);
        expect(span?.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
        expect(span?.spanContext().traceState?.get("vendor")).toBe("x");
      } finally {
        await server.close();
      }
    },
  );

  it("starts a new trace when the request carries none", async () => {
    const server = await startServer({}, { deps: { wrapToolHandler: traceToolHandler } });
    try {
      const body = modernRequest(1, "tools/call", { name: "echo", arguments: { message: "x" } });
      await (
        await fetch(server.mcpUrl, {
          method: "POST",
          headers: modernHeaders("tools/call", "echo"),
          body: JSON.stringify(body),
        })
      ).text();
      const [span] = exporter.getFinishedSpans();
      expect(span?.spanContext().traceId).not.toBe(TRACE_ID);
      expect(span?.parentSpanContext).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

function registerShoutAndFail(server: McpServer): void {
  server.registerTool("shout", { inputSchema: z.object({ message: z.string() }) }, async ({ message }) => ({
    content: [{ type: "text", text: message.toUpperCase() }],
  }));
  server.registerTool("fail", {}, async () => ({ content: [{ type: "text", text: "no" }], isError: true }));
}

describe("startTelemetry", () => {
  const serviceName = process.env.OTEL_SERVICE_NAME;
  afterEach(() => {
    if (serviceName === undefined) delete process.env.OTEL_SERVICE_NAME;
    else process.env.OTEL_SERVICE_NAME = serviceName;
  });

  const CONNECTION_STRING =
    "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/";

  function fakeMonitor() {
    const calls: unknown[] = [];
    const monitor: AzureMonitorModule = {
      useAzureMonitor: (options) => void calls.push(["use", options]),
      shutdownAzureMonitor: async () => void calls.push(["shutdown"]),
    };
    return { calls, load: () => monitor };
  }

  it("starts Azure Monitor with the connection string and shuts it down", async () => {
    const { calls, load } = fakeMonitor();
    const telemetry = startTelemetry(CONNECTION_STRING, load);
    await telemetry.shutdown();
    expect(process.env.OTEL_SERVICE_NAME).toBe(serviceName ?? "cdktf-azure-mcp");
    expect(calls).toEqual([
      ["use", { azureMonitorExporterOptions: { connectionString: CONNECTION_STRING } }],
      ["shutdown"],
    ]);
  });

  it("loads nothing without a connection string", async () => {
    const { calls, load } = fakeMonitor();
    await startTelemetry(undefined, load).shutdown();
    await startTelemetry("", load).shutdown();
    expect(calls).toEqual([]);
  });

  it("fails when the connection string has no instrumentation key, without echoing it", () => {
    const { load } = fakeMonitor();
    expect(() => startTelemetry("IngestionEndpoint=https://x/", load)).toThrow(ConfigError);
    expect(() => startTelemetry("IngestionEndpoint=https://x/", load)).toThrow(
      /^APPLICATIONINSIGHTS_CONNECTION_STRING="<redacted>" is not valid/,
    );
  });

  it("keeps @azure/monitor-opentelemetry out of require.cache when unset (a real node process)", () => {
    const script = `
      const { sep } = require("node:path");
      const sdkModules = () =>
        Object.keys(require.cache).filter((p) => p.includes(sep + "monitor-opentelemetry" + sep)).length;
      const { startTelemetry, traceToolCall } = require("./server/telemetry.ts");
      startTelemetry(undefined);
      traceToolCall("echo", async () => "ok").then(() => {
        const unset = sdkModules();
        require("@azure/monitor-opentelemetry"); // control: the check does see the SDK once it is loaded
        process.stdout.write(JSON.stringify({ unset, loaded: sdkModules() }));
      });
    `;
    const output = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, APPLICATIONINSIGHTS_CONNECTION_STRING: "" },
    });
    const { unset, loaded } = JSON.parse(output) as { unset: number; loaded: number };
    expect(unset).toBe(0);
    expect(loaded).toBeGreaterThan(0);
  });
});
