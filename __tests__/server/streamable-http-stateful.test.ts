import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernStreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { eventually, MCP_HEADERS, openRawSession, RunningServer, startServer } from "./support/test-server";

/** Initializes a session by hand, without the GET stream the SDK client keeps open. */
async function rawSession(server: RunningServer): Promise<string> {
  return (await openRawSession(server))["mcp-session-id"] as string;
}

describe("Streamable HTTP, MCP_SESSION_MODE=stateful", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ MCP_SESSION_MODE: "stateful" });
  });
  afterAll(() => server.close());

  it("serves 2026-07-28 requests next to the sessions: no session is created for them", async () => {
    const client = new ModernClient({ name: "auto", version: "1" }, { versionNegotiation: { mode: "auto" } });
    await client.connect(new ModernStreamableHTTPClientTransport(server.mcpUrl));
    try {
      expect(client.getProtocolEra()).toBe("modern");
      const result = await client.callTool({ name: "echo", arguments: { message: "no session" } });
      expect(result.content).toEqual([{ type: "text", text: "no session" }]);
      expect(server.app.mcp.sessionCounts().stateful).toBe(0);
    } finally {
      await client.close();
    }
  });

  it("hands out a session id, serves tools with progress, and ends the session on DELETE", async () => {
    const transport = new StreamableHTTPClientTransport(server.mcpUrl);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(transport);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.app.mcp.sessionCounts().stateful).toBe(1);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(5);
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "wait_with_progress", arguments: { seconds: 1 } },
      undefined,
      {
        onprogress: (p) => progress.push(p.progress),
      },
    );
    expect(result.content).toEqual([{ type: "text", text: "Waited 1 seconds" }]);
    expect(progress).toEqual([1]);

    const sessionId = transport.sessionId as string;
    await transport.terminateSession();
    await client.close();
    expect(server.app.mcp.sessionCounts().stateful).toBe(0);
    const after = await fetch(server.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" }),
    });
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({
      error: { code: -32001, message: expect.stringContaining(sessionId) },
    });
  });

  it("opens one GET stream per session for server-initiated messages, and DELETE ends the session", async () => {
    const sessionId = await rawSession(server);
    const headers = {
      accept: "text/event-stream",
      "mcp-session-id": sessionId,
      "mcp-protocol-version": "2025-06-18",
    };
    const response = await fetch(server.mcpUrl, { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const second = await fetch(server.mcpUrl, { headers });
    expect(second.status).toBe(409);
    await response.body?.cancel();
    const ended = await fetch(server.mcpUrl, { method: "DELETE", headers });
    expect(ended.status).toBe(200);
    expect((await fetch(server.mcpUrl, { headers })).status).toBe(404);
  });

  it("resumes a dropped tool-call stream from Last-Event-ID and gets the rest of the progress and the result", async () => {
    const first = new StreamableHTTPClientTransport(server.mcpUrl);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(first); // request id 0: initialize
    const sessionId = first.sessionId as string;

    let lastToken: string | undefined;
    const progressBeforeDrop: number[] = [];
    const call = {
      method: "tools/call" as const,
      params: { name: "wait_with_progress", arguments: { seconds: 3 } },
    };
    const dropped = client
      .request(call, CallToolResultSchema, {
        onprogress: (p) => progressBeforeDrop.push(p.progress),
        onresumptiontoken: (token) => (lastToken = token),
      })
      .catch((error: unknown) => error);
    await eventually(() => progressBeforeDrop.length >= 1);
    await client.close(); // drops both streams; the session and the call live on in the server
    expect(await dropped).toBeInstanceOf(Error);
    expect(lastToken).toBeDefined();
    await eventually(() => server.app.mcp.lifecycle.openConnections === 0);

    const second = new StreamableHTTPClientTransport(server.mcpUrl, { sessionId });
    const resumed = new Client({ name: "test", version: "1.0.0" });
    await resumed.connect(second); // reuses the session: no initialize
    await resumed.ping(); // request id 0, so the resumed call gets id 1 and its progress token matches the original
    const progressAfter: number[] = [];
    const result = await resumed.request(call, CallToolResultSchema, {
      resumptionToken: lastToken,
      onprogress: (p) => progressAfter.push(p.progress),
    });
    expect(result.content).toEqual([{ type: "text", text: "Waited 3 seconds" }]);
    expect(progressAfter.length).toBeGreaterThanOrEqual(1);
    expect(progressAfter[0]).toBeGreaterThan(progressBeforeDrop[progressBeforeDrop.length - 1]);
    expect(progressAfter[progressAfter.length - 1]).toBe(3);
    await second.terminateSession();
    await resumed.close();
  });

  it("expires a session idle for longer than MCP_SESSION_IDLE_SECONDS, not sooner (on a clock the test moves)", async () => {
    let now = Date.now();
    // The sweeper runs every idleMs / 2 of real time; whether a session is idle is read from the test's clock.
    const idleMs = 1_000;
    const idle = await startServer(
      { MCP_SESSION_MODE: "stateful" },
      { config: { sessionIdleMs: idleMs }, appOptions: { now: () => now } },
    );
    try {
      const sessionId = await rawSession(idle);
      now += idleMs;
      await new Promise((resolve) => setTimeout(resolve, idleMs)); // two sweeps that must leave it alone
      expect(idle.app.mcp.sessionCounts().stateful).toBe(1);
      now += 1;
      await eventually(() => idle.app.mcp.sessionCounts().stateful === 0, 20_000);
      const response = await fetch(idle.mcpUrl, {
        method: "POST",
        headers: { ...MCP_HEADERS, "mcp-session-id": sessionId, "mcp-protocol-version": "2025-06-18" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" }),
      });
      expect(response.status).toBe(404);
    } finally {
      await idle.close();
    }
  });

  it("refuses a request without a session id that is not initialize", async () => {
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringMatching(/Mcp-Session-Id/) },
    });
  });
});
