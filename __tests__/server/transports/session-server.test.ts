import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { McpServer } from "@modelcontextprotocol/server";
import { createMcpServer } from "../../../server/create-mcp-server";
import { SESSION_SERVER_LINGER_MS } from "../../../server/transports/session-server";
import { eventually, openRawSession, RunningServer, startServer } from "../support/test-server";

// Stateful sessions build their McpServer only while a message is in flight (server/transports/
// session-server.ts): what the server of a session learned must reach the next one it builds.

/** A tool logging one line at info and one at error through the request's logger. */
const logTwice = (server: McpServer): void => {
  server.registerTool("log_twice", { description: "logs at info and at error" }, async (ctx) => {
    await ctx.mcpReq.log("info", "an info line");
    await ctx.mcpReq.log("error", "an error line");
    return { content: [{ type: "text", text: "logged" }] };
  });
};

describe("a stateful session's McpServer, built while it has messages in flight", () => {
  let server: RunningServer;
  const built: McpServer[] = [];
  const clients: Client[] = [];
  const awake = (): number => built.filter((s) => s.isConnected()).length;

  beforeAll(async () => {
    server = await startServer(
      // A heartbeat far beyond the test's bounds: a stream that is freed only at its next heartbeat fails.
      { MCP_SESSION_MODE: "stateful", MCP_SSE_HEARTBEAT_SECONDS: "200" },
      {
        serverFactory: () => {
          const built_ = createMcpServer({ extraTools: [logTwice] });
          built.push(built_);
          return built_;
        },
      },
    );
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(() => server.close());

  async function connect(answerElicitation = false): Promise<Client> {
    const client = new Client(
      { name: "session-server-test", version: "1" },
      {
        capabilities: answerElicitation ? { elicitation: { form: {} } } : {},
        versionNegotiation: { mode: "legacy" },
      },
    );
    if (answerElicitation) {
      client.setRequestHandler("elicitation/create", async () => ({
        action: "accept",
        content: { approve: true },
      }));
    }
    await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
    clients.push(client);
    return client;
  }

  it("drops an idle session's server and builds another for its next request, told the client's log level", async () => {
    const client = await connect();
    const logged: unknown[] = [];
    client.setNotificationHandler("notifications/message", (notification) => {
      logged.push(notification.params.data);
    });
    await client.setLoggingLevel("error");
    const before = built.length;
    await eventually(() => awake() === 0, SESSION_SERVER_LINGER_MS + 15_000);
    expect(server.app.mcp.sessionCounts().stateful).toBe(1);

    const result = await client.callTool({ name: "log_twice", arguments: {} });

    expect(result.content).toEqual([{ type: "text", text: "logged" }]);
    expect(built.length).toBe(before + 1);
    expect(logged).toEqual(["an error line"]);
  });

  it("builds the next server knowing the client's capabilities from initialize: elicitation reaches the client", async () => {
    const client = await connect(true);
    await eventually(() => awake() === 0, SESSION_SERVER_LINGER_MS + 15_000);

    const result = await client.callTool({ name: "confirm_action", arguments: { action: "restart" } });

    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ action: "restart", approved: true });
  });

  it("ends the session's server with the session (DELETE) and answers for the session no more", async () => {
    const headers = await openRawSession(server);
    const ping = () =>
      fetch(server.mcpUrl, {
        method: "POST",
        headers,
        body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "ping" }),
      });
    expect((await ping()).status).toBe(200);
    // The server that answered: the newest one (the other sessions of this file are idle).
    const session = built[built.length - 1];
    expect(session.isConnected()).toBe(true);

    expect((await fetch(server.mcpUrl, { method: "DELETE", headers })).status).toBe(200);

    await eventually(() => !session.isConnected());
    expect((await ping()).status).toBe(404);
  });

  it("frees a GET stream as soon as its client goes: the client may open it again at once", async () => {
    const headers = { ...(await openRawSession(server)), accept: "text/event-stream" };
    const first = new AbortController();
    const stream = await fetch(server.mcpUrl, { headers, signal: first.signal });
    expect(stream.status).toBe(200);
    expect((await fetch(server.mcpUrl, { headers })).status).toBe(409);

    first.abort();

    let again: Response | undefined;
    for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
      again = await fetch(server.mcpUrl, { headers });
      if (again.status === 200) break;
      await again.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(again?.status).toBe(200);
    await again?.body?.cancel();
  });
});
