import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { recording } from "./support/recording";
import { callUntilProgress } from "./support/long-call";
import { modernHeaders, modernRequest } from "./support/modern";
import { eventually, MCP_HEADERS, openRawSession, startServer } from "./support/test-server";

/** Reads a response stream until its text so far matches `pattern` (keepalives may come first). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp): Promise<void> {
  const decoder = new TextDecoder();
  let text = "";
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
}

const stoppedEarly = (finished: CallToolResult[]): boolean =>
  finished.some((r) => r.isError === true && JSON.stringify(r.content).includes("Cancelled after"));

// wait_with_progress for 600 s: each test passes only if the server stops the tool early.
describe("cancelling wait_with_progress", () => {
  it("stops on notifications/cancelled in stateful mode", async () => {
    const { deps, finished } = recording();
    const server = await startServer({ MCP_SESSION_MODE: "stateful" }, { deps });
    try {
      const client = new Client({ name: "cancel", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
      const abort = new AbortController();
      const { call } = await callUntilProgress(
        client,
        { name: "wait_with_progress", arguments: { seconds: 600 } },
        abort.signal,
      );
      expect(server.app.mcp.lifecycle.requestsInFlight).toBe(1);
      abort.abort("user cancelled");
      expect(await call).toBeInstanceOf(Error);
      await eventually(() => stoppedEarly(finished));
      expect(server.app.mcp.lifecycle.requestsInFlight).toBe(0);
      await client.close();
    } finally {
      await server.close();
    }
  });

  it("ends the cancelled request's response stream in stateful mode (not keepalives forever)", async () => {
    const { deps, finished } = recording();
    const server = await startServer(
      { MCP_SESSION_MODE: "stateful", MCP_SSE_HEARTBEAT_SECONDS: "1" },
      { deps },
    );
    try {
      const headers = await openRawSession(server);
      const post = (body: unknown): Promise<Response> =>
        fetch(server.mcpUrl, { method: "POST", headers, body: JSON.stringify(body) });
      const call = await post({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "wait_with_progress", arguments: { seconds: 600 }, _meta: { progressToken: "t" } },
      });
      const reader = (call.body as ReadableStream<Uint8Array>).getReader();
      await readUntil(reader, /notifications\/progress/);
      const cancelled = await post({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: 7, reason: "user" },
      });
      expect(cancelled.status).toBe(202);
      // The stream ends: read until done (keepalives every second would otherwise keep it going).
      let done = false;
      while (!done) done = (await reader.read()).done;
      await eventually(() => stoppedEarly(finished));
      expect(server.app.mcp.lifecycle.requestsInFlight).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("stops when the client closes the response stream of a 2026-07-28 call", async () => {
    const { deps, finished } = recording();
    const server = await startServer({}, { deps });
    try {
      const abort = new AbortController();
      const response = await fetch(server.mcpUrl, {
        method: "POST",
        headers: modernHeaders("tools/call", "wait_with_progress"),
        signal: abort.signal,
        body: JSON.stringify(
          modernRequest(
            1,
            "tools/call",
            { name: "wait_with_progress", arguments: { seconds: 600 } },
            {
              progressToken: "t",
            },
          ),
        ),
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      await readUntil(reader, /notifications\/progress/);
      abort.abort();
      await eventually(() => stoppedEarly(finished));
      await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 0);
    } finally {
      await server.close();
    }
  });

  it("stops when the client drops the response in stateless mode", async () => {
    // Stateless mode has no session to route notifications/cancelled to; closing the stream is the signal.
    const { deps, finished } = recording();
    const server = await startServer({}, { deps });
    try {
      const abort = new AbortController();
      const response = await fetch(server.mcpUrl, {
        method: "POST",
        headers: MCP_HEADERS,
        signal: abort.signal,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "wait_with_progress", arguments: { seconds: 600 }, _meta: { progressToken: "t" } },
        }),
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/notifications\/progress/);
      expect(server.app.mcp.lifecycle.requestsInFlight).toBe(1);
      abort.abort();
      await eventually(() => stoppedEarly(finished));
      await eventually(
        () =>
          server.app.mcp.lifecycle.requestsInFlight === 0 && server.app.mcp.lifecycle.openConnections === 0,
      );
    } finally {
      await server.close();
    }
  });
});
