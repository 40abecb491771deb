import { Client, SSEClientTransport, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { CallToolResult, LOG_LEVEL_META_KEY, SERVER_INFO_META_KEY } from "@modelcontextprotocol/server";
import { loadConfig } from "../../server/config";
import { TOOLS_LIST_TTL_MS } from "../../server/create-mcp-server";
import { serverDepsFor } from "../../server/server-deps";
import {
  LogAnalyticsStandIn,
  SAMPLE_RESULT,
  TestCredential,
  WORKSPACE_ID,
} from "./support/log-analytics-stand-in";
import { MODERN_VERSION, modernHeaders, modernRequest } from "./support/modern";
import { jsonRpcMessagesOf, RunningServer, startServer } from "./support/test-server";
import { builtInToolNames } from "./support/tool-names";

type Json = Record<string, unknown>;

const textOf = (result: unknown): string => ((result as CallToolResult).content[0] as { text: string }).text;

describe("both protocol eras on one /mcp, from one server factory", () => {
  const standIn = new LogAnalyticsStandIn();
  let server: RunningServer;
  beforeAll(async () => {
    const endpoint = await standIn.start();
    const env = { LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID };
    const deps = serverDepsFor(loadConfig(env), {
      credential: new TestCredential(),
      logAnalyticsEndpoint: endpoint,
    });
    server = await startServer(env, {
      deps: {
        ...deps,
        extraTools: [
          ...(deps.extraTools ?? []),
          // Logs through the SDK, which filters by the request's own logLevel (2026) or the session's (2025).
          (mcp) =>
            mcp.registerTool("log_twice", { description: "logs at info and debug" }, async (ctx) => {
              await ctx.mcpReq.log("info", "info line");
              await ctx.mcpReq.log("debug", "debug line");
              return { content: [{ type: "text", text: "logged" }] };
            }),
        ],
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await standIn.stop();
  });

  const post = (body: unknown, headers: Record<string, string>): Promise<Response> =>
    fetch(server.mcpUrl, { method: "POST", headers, body: JSON.stringify(body) });

  it("the v2 Client in auto mode lands on 2026-07-28 and calls every tool", async () => {
    const client = new Client(
      { name: "auto", version: "1" },
      { versionNegotiation: { mode: "auto" }, capabilities: { elicitation: { form: {} } } },
    );
    client.setRequestHandler("elicitation/create", async () => ({
      action: "accept" as const,
      content: { approve: true },
    }));
    await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
    try {
      expect(client.getProtocolEra()).toBe("modern");
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual([
        ...(await builtInToolNames()),
        "query_logs",
        "log_twice",
      ]);
      expect(textOf(await client.callTool({ name: "echo", arguments: { message: "modern" } }))).toBe(
        "modern",
      );
      const time = await client.callTool({ name: "get_current_utc_time", arguments: {} });
      expect(Math.abs(Date.parse((time.structuredContent as { utc: string }).utc) - Date.now())).toBeLessThan(
        60_000,
      );
      const whoami = await client.callTool({ name: "whoami", arguments: {} });
      expect(whoami.structuredContent).toMatchObject({ kind: "anonymous", id: "127.0.0.1" });
      const progress: number[] = [];
      const waited = await client.callTool(
        { name: "wait_with_progress", arguments: { seconds: 2 } },
        { onprogress: (p) => progress.push(p.progress) },
      );
      expect(progress).toEqual([1, 2]);
      expect(textOf(waited)).toBe("Waited 2 seconds");
      const confirmed = await client.callTool({ name: "confirm_action", arguments: { action: "deploy" } });
      expect(confirmed.structuredContent).toEqual({ action: "deploy", approved: true });
      const logs = await client.callTool({ name: "query_logs", arguments: { query: "Heartbeat | take 3" } });
      expect(logs.structuredContent).toMatchObject({ rows: SAMPLE_RESULT.tables[0].rows });
      await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringMatching(/no_such_tool/),
      });
    } finally {
      await client.close();
    }
  });

  it("the v2 Client in its default mode lands on the 2025 era and calls tools", async () => {
    const client = new Client({ name: "default", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
    try {
      expect(client.getProtocolEra()).toBe("legacy");
      expect(textOf(await client.callTool({ name: "echo", arguments: { message: "legacy" } }))).toBe(
        "legacy",
      );
      await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toMatchObject({
        code: -32602,
      });
    } finally {
      await client.close();
    }
  });

  it("the v2 SSE client still works over the legacy HTTP+SSE transport", async () => {
    const client = new Client({ name: "sse", version: "1" });
    await client.connect(new SSEClientTransport(new URL(`${server.base}/sse`)));
    try {
      expect(client.getProtocolEra()).toBe("legacy");
      expect(textOf(await client.callTool({ name: "echo", arguments: { message: "sse" } }))).toBe("sse");
    } finally {
      await client.close();
    }
  });

  it("answers server/discover with the modern revision, resultType and serverInfo in _meta", async () => {
    const response = await post(modernRequest(1, "server/discover"), modernHeaders("server/discover"));
    expect(response.status).toBe(200);
    const [message] = await jsonRpcMessagesOf(response);
    const result = message?.result as Json;
    expect(result.supportedVersions).toEqual([MODERN_VERSION]);
    expect(result.resultType).toBe("complete");
    expect(result.capabilities).toMatchObject({ tools: { listChanged: true } });
    expect((result._meta as Json)[SERVER_INFO_META_KEY]).toEqual({
      name: "cdktf-azure-mcp",
      version: "0.1.0",
    });
  });

  it("lists tools in a fixed order with ttlMs and cacheScope; 2025 results carry neither", async () => {
    const names = async (): Promise<Json> => {
      const [message] = await jsonRpcMessagesOf(
        await post(modernRequest(2, "tools/list"), modernHeaders("tools/list")),
      );
      return message?.result as Json;
    };
    const first = await names();
    const second = await names();
    expect(first.ttlMs).toBe(TOOLS_LIST_TTL_MS);
    expect(first.cacheScope).toBe("public");
    expect(first.resultType).toBe("complete");
    expect((first.tools as Json[]).map((tool) => tool.name)).toEqual(
      (second.tools as Json[]).map((tool) => tool.name),
    );
    const [legacy] = await jsonRpcMessagesOf(
      await post(
        { jsonrpc: "2.0", id: 3, method: "tools/list" },
        { "content-type": "application/json", accept: "application/json, text/event-stream" },
      ),
    );
    expect(legacy?.result).not.toHaveProperty("ttlMs");
    expect(legacy?.result).not.toHaveProperty("resultType");
  });

  it("puts resultType on a tool result and keeps the answer a plain JSON body for a quick call", async () => {
    const response = await post(
      modernRequest(4, "tools/call", { name: "echo", arguments: { message: "x" } }),
      modernHeaders("tools/call", "echo"),
    );
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const [message] = await jsonRpcMessagesOf(response);
    expect(message?.result).toMatchObject({ resultType: "complete", content: [{ type: "text", text: "x" }] });
  });

  describe("envelope validation (HTTP 400 with the spec's errors)", () => {
    it("answers -32602 for a 2026-07-28 request without its _meta envelope", async () => {
      const response = await post(
        { jsonrpc: "2.0", id: 5, method: "tools/list" },
        modernHeaders("tools/list"),
      );
      expect(response.status).toBe(400);
      const [message] = await jsonRpcMessagesOf(response);
      expect(message).toMatchObject({ id: 5, error: { code: -32602 } });
    });

    it("answers -32022 listing the supported versions for an unsupported protocol version", async () => {
      const request = modernRequest(
        6,
        "tools/list",
        {},
        { "io.modelcontextprotocol/protocolVersion": "2099-01-01" },
      );
      const response = await post(request, {
        ...modernHeaders("tools/list"),
        "mcp-protocol-version": "2099-01-01",
      });
      expect(response.status).toBe(400);
      const [message] = await jsonRpcMessagesOf(response);
      expect(message).toMatchObject({ id: 6, error: { code: -32022 } });
      expect(((message?.error as Json).data as Json).supported).toContain(MODERN_VERSION);
    });

    it("answers -32020 when Mcp-Method or Mcp-Name disagree with the body", async () => {
      const call = modernRequest(7, "tools/call", { name: "echo", arguments: { message: "x" } });
      for (const headers of [modernHeaders("tools/list"), modernHeaders("tools/call", "whoami")]) {
        const response = await post(call, headers);
        expect(response.status).toBe(400);
        const [message] = await jsonRpcMessagesOf(response);
        expect(message).toMatchObject({ id: 7, error: { code: -32020 } });
      }
    });
  });

  it("sends notifications/message only to a request that asked for them, at its level", async () => {
    const call = (meta: Json): Promise<Response> =>
      post(modernRequest(8, "tools/call", { name: "log_twice", arguments: {} }, meta), {
        ...modernHeaders("tools/call", "log_twice"),
      });
    const methods = async (meta: Json): Promise<unknown[]> =>
      (await jsonRpcMessagesOf(await call(meta))).map((message) => message.method ?? "result");
    expect(await methods({})).toEqual(["result"]);
    const info = await jsonRpcMessagesOf(await call({ [LOG_LEVEL_META_KEY]: "info" }));
    expect(info.map((m) => m.method ?? "result")).toEqual(["notifications/message", "result"]);
    expect((info[0]?.params as Json).data).toBe("info line");
    expect(await methods({ [LOG_LEVEL_META_KEY]: "debug" })).toEqual([
      "notifications/message",
      "notifications/message",
      "result",
    ]);
  });

  it("delivers toolsListChanged on subscriptions/listen", async () => {
    const client = new Client({ name: "listen", version: "1" }, { versionNegotiation: { mode: "auto" } });
    await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
    try {
      let changed = 0;
      client.setNotificationHandler("notifications/tools/list_changed", () => {
        changed++;
      });
      const subscription = await client.listen({ toolsListChanged: true });
      expect(subscription.honoredFilter).toMatchObject({ toolsListChanged: true });
      server.app.mcp.endpoint!.handler.notify.toolsChanged();
      const deadline = Date.now() + 5000;
      while (changed === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(changed).toBe(1);
      await subscription.close();
    } finally {
      await client.close();
    }
  });
});
