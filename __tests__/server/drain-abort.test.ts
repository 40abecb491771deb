import { DRAIN_ABORT_ERROR } from "../../server/lifecycle";
import { modernHeaders, modernRequest } from "./support/modern";
import { eventually, jsonRpcMessagesOf, openRawSession, startServer } from "./support/test-server";

type Json = Record<string, unknown>;
const LONG = { name: "wait_with_progress", arguments: { seconds: 60 } };

// A call still running when the drain grace period ends gets a JSON-RPC error for its id before its
// stream closes, instead of a stream that just ends (which clients report as a dropped connection).
describe("drain grace period over with calls still running", () => {
  it("answers each running call, in both eras and in a stateful session, with a JSON-RPC error", async () => {
    const server = await startServer({ MCP_SESSION_MODE: "stateful" });
    try {
      const modern = fetch(server.mcpUrl, {
        method: "POST",
        headers: modernHeaders("tools/call", "wait_with_progress"),
        body: JSON.stringify(modernRequest(1, "tools/call", LONG)),
      });
      const sessionHeaders = await openRawSession(server);
      const legacy = fetch(server.mcpUrl, {
        method: "POST",
        headers: sessionHeaders,
        body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: LONG }),
      });
      await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 2);

      expect(await server.app.mcp.lifecycle.drain(50)).toBe(false);

      const answers = await Promise.all([modern, legacy].map(async (r) => jsonRpcMessagesOf(await r)));
      const errors = answers.map((messages) => messages.find((m) => m.error !== undefined));
      expect(errors).toEqual([
        expect.objectContaining({ id: 1, error: DRAIN_ABORT_ERROR }),
        expect.objectContaining({ id: 2, error: DRAIN_ABORT_ERROR }),
      ]);
      expect((errors[0]?.error as Json).message).toMatch(/MCP_SHUTDOWN_GRACE_SECONDS/);
      expect(server.app.mcp.lifecycle.requestsInFlight).toBe(0);
    } finally {
      await server.close();
    }
  });
});
