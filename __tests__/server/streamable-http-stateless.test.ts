import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { RequestHandler } from "express";
import { CallerIdentity } from "../../server/auth/types";
import { jsonRpcMessagesOf, RunningServer, startServer } from "./support/test-server";
import { builtInToolNames } from "./support/tool-names";

async function connect(server: RunningServer): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
  return client;
}

function text(result: unknown): string {
  return (CallToolResultSchema.parse(result).content[0] as { text: string }).text;
}

describe("Streamable HTTP, stateless (the default)", () => {
  let server: RunningServer;
  let client: Client;
  beforeAll(async () => {
    server = await startServer();
    client = await connect(server);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it("initializes with the server's name and lists every tool with annotations and described inputs", async () => {
    expect(client.getServerVersion()?.name).toBe("cdktf-azure-mcp");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual((await builtInToolNames()).sort());
    for (const tool of tools) expect(tool.annotations?.readOnlyHint).toBe(true);
    const echo = tools.find((t) => t.name === "echo");
    expect(echo?.inputSchema.properties).toEqual({
      message: {
        type: "string",
        maxLength: 10000,
        description: "Text to send back (at most 10000 characters)",
      },
    });
    const wait = tools.find((t) => t.name === "wait_with_progress");
    expect(wait?.inputSchema.properties?.seconds).toMatchObject({ minimum: 1, maximum: 600 });
  });

  it("calls echo", async () => {
    expect(text(await client.callTool({ name: "echo", arguments: { message: "hello" } }))).toBe("hello");
  });

  it("calls get_current_utc_time and returns an ISO timestamp close to now", async () => {
    const result = await client.callTool({ name: "get_current_utc_time", arguments: {} });
    const utc = (result.structuredContent as { utc: string }).utc;
    expect(utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(utc) - Date.now())).toBeLessThan(60_000);
  });

  it("calls whoami and sees the anonymous caller, known by its address, with AUTH_MODE=none", async () => {
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(result.structuredContent).toEqual({ kind: "anonymous", id: "127.0.0.1", scopes: [], roles: [] });
  });

  it("streams a progress notification every second of wait_with_progress", async () => {
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "wait_with_progress", arguments: { seconds: 2 } },
      undefined,
      {
        onprogress: (p) => progress.push(p.progress),
      },
    );
    expect(progress).toEqual([1, 2]);
    expect(text(result)).toBe("Waited 2 seconds");
  });

  it("rejects invalid arguments with an error naming the field", async () => {
    const result = await client.callTool({ name: "wait_with_progress", arguments: { seconds: 601 } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/seconds/);
    const echo = await client.callTool({ name: "echo", arguments: { message: 5 } });
    expect(text(echo)).toMatch(/message/);
  });

  it("rejects an unknown tool with a JSON-RPC error -32602 naming it, not an isError result", async () => {
    await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/no_such_tool/),
    });
  });

  it("answers a 2025-era batch of requests in one response", async () => {
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "ping" },
        {
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { name: "echo", arguments: { message: "b" } },
        },
      ]),
    });
    const messages = await jsonRpcMessagesOf(response);
    expect(messages.map((m) => m.id).sort()).toEqual([1, 2]);
  });
});

describe("the auth slot", () => {
  it("runs the auth middleware in front of /mcp and hands its caller to whoami, without the token", async () => {
    const caller: CallerIdentity = {
      kind: "apikey",
      id: "ci",
      apiKeyLabel: "ci",
      scopes: [],
      roles: ["Mcp.Invoke"],
    };
    const authMiddleware: RequestHandler = (req, res, next) => {
      if (req.headers.authorization !== "Bearer secret-token") {
        res.status(401).json({ error: "unauthorized" });
        return;
      }
      req.auth = { token: "secret-token", clientId: "ci", scopes: [], extra: { caller } };
      next();
    };
    const server = await startServer({}, { appOptions: { authMiddleware } });
    try {
      const refused = await fetch(server.mcpUrl, { method: "POST" });
      expect(refused.status).toBe(401);
      const client = new Client({ name: "test", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(server.mcpUrl, {
          requestInit: { headers: { authorization: "Bearer secret-token" } },
        }),
      );
      const result = await client.callTool({ name: "whoami", arguments: {} });
      expect(result.structuredContent).toEqual({
        kind: "apikey",
        id: "ci",
        apiKeyLabel: "ci",
        scopes: [],
        roles: ["Mcp.Invoke"],
      });
      expect(JSON.stringify(result)).not.toContain("secret-token");
      await client.close();
    } finally {
      await server.close();
    }
  });
});

describe("createMcpServer deps", () => {
  it("registers extra tools and runs every tool call through wrapToolHandler", async () => {
    const seen: string[] = [];
    const server = await startServer(
      {},
      {
        deps: {
          extraTools: [
            (mcp) =>
              mcp.registerTool("extra_tool", { description: "extra" }, async () => ({
                content: [{ type: "text", text: "extra!" }],
              })),
          ],
          wrapToolHandler: async (call, next) => {
            seen.push(call.toolName);
            const result = await next();
            return { ...result, content: [...result.content, { type: "text", text: "wrapped" }] };
          },
        },
      },
    );
    try {
      const client = await connect(server);
      const extra = await client.callTool({ name: "extra_tool", arguments: {} });
      expect(extra.content).toEqual([
        { type: "text", text: "extra!" },
        { type: "text", text: "wrapped" },
      ]);
      await client.callTool({ name: "echo", arguments: { message: "x" } });
      expect(seen).toEqual(["extra_tool", "echo"]);
      await client.close();
    } finally {
      await server.close();
    }
  });
});
