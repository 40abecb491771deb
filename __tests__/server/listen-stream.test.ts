import { modernHeaders, modernRequest } from "./support/modern";
import { eventually, startServer } from "./support/test-server";

// A 2026-07-28 subscriptions/listen stream is a stream, not a call: heartbeats keep it alive through the
// ingress, and a drain neither waits for it nor leaves it open.
describe("subscriptions/listen streams", () => {
  it("carry heartbeats, are not waited for by a drain, and are closed by it", async () => {
    const server = await startServer({ MCP_SSE_HEARTBEAT_SECONDS: "1" });
    try {
      const response = await fetch(server.mcpUrl, {
        method: "POST",
        headers: modernHeaders("subscriptions/listen"),
        body: JSON.stringify(
          modernRequest(1, "subscriptions/listen", { notifications: { toolsListChanged: true } }),
        ),
      });
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = "";
      while (!text.includes(": keepalive")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`listen stream ended early: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      expect(text).toContain("notifications/subscriptions/acknowledged");
      expect(server.app.mcp.lifecycle.requestsInFlight).toBe(0);

      const started = Date.now();
      expect(await server.app.mcp.lifecycle.drain(30_000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
      let done = false;
      while (!done) done = (await reader.read()).done;
      await eventually(() => server.app.mcp.lifecycle.openConnections === 0);
    } finally {
      await server.close();
    }
  });
});
