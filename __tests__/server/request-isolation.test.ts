import { McpServer } from "@modelcontextprotocol/server";
import { createMcpServer } from "../../server/create-mcp-server";
import { modernHeaders, modernRequest } from "./support/modern";
import { jsonRpcMessagesOf, MCP_HEADERS, RunningServer, startServer } from "./support/test-server";

type Json = Record<string, unknown>;
const CONCURRENT = 12;

function waitCall(era: "modern" | "legacy", id: number): { headers: Record<string, string>; body: Json } {
  const params = { name: "wait_with_progress", arguments: { seconds: 2 } };
  const token = `token-${id}`;
  return era === "modern"
    ? {
        headers: modernHeaders("tools/call", "wait_with_progress"),
        body: modernRequest(id, "tools/call", params, { progressToken: token }),
      }
    : {
        headers: { ...MCP_HEADERS, "mcp-protocol-version": "2025-06-18" },
        body: {
          jsonrpc: "2.0",
          id,
          method: "tools/call",
          params: { ...params, _meta: { progressToken: token } },
        },
      };
}

// Results and notifications reach only the HTTP response that carried the request: every request
// is served by a server instance of its own, never by one another request still has in flight.
describe("concurrent requests never share a server instance", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it.each(["modern", "legacy"] as const)(
    "%s era: each response carries only its own progress and result",
    async (era) => {
      const answers = await Promise.all(
        Array.from({ length: CONCURRENT }, async (_, index) => {
          const id = 100 + index;
          const { headers, body } = waitCall(era, id);
          const response = await fetch(server.mcpUrl, {
            method: "POST",
            headers,
            body: JSON.stringify(body),
          });
          return { id, messages: await jsonRpcMessagesOf(response) };
        }),
      );
      for (const { id, messages } of answers) {
        const progress = messages.filter((m) => m.method === "notifications/progress");
        expect(progress.map((m) => (m.params as Json).progressToken)).toEqual([`token-${id}`, `token-${id}`]);
        const results = messages.filter((m) => m.method === undefined);
        expect(results.map((m) => m.id)).toEqual([id]);
      }
    },
  );

  it("builds one server per request, even for requests that overlap", async () => {
    const built: McpServer[] = [];
    const counting = await startServer(
      {},
      {
        serverFactory: () => {
          const instance = createMcpServer();
          built.push(instance);
          return instance;
        },
      },
    );
    try {
      await Promise.all(
        Array.from({ length: 4 }, (_, index) => {
          const { headers, body } = waitCall(index % 2 === 0 ? "modern" : "legacy", index + 1);
          const init = { method: "POST", headers, body: JSON.stringify(body) };
          return fetch(counting.mcpUrl, init).then((response) => response.text());
        }),
      );
      expect(built.length).toBe(4);
      expect(new Set(built).size).toBe(4);
    } finally {
      await counting.close();
    }
  });
});
