import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { eventually, INITIALIZE, MCP_HEADERS, startServer } from "./support/test-server";

/** Reads a raw SSE body until `pattern` shows up; returns everything read. */
async function readUntil(response: Response, pattern: RegExp): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

const HEARTBEAT = /^: keepalive$/m;

describe("SSE heartbeats", () => {
  it("arrive on an idle legacy /sse stream", async () => {
    const server = await startServer({}, { config: { sseHeartbeatMs: 30 } });
    try {
      const response = await fetch(`${server.base}/sse`, { headers: { accept: "text/event-stream" } });
      expect(await readUntil(response, HEARTBEAT)).toMatch(/event: endpoint[\s\S]*: keepalive/);
    } finally {
      await server.close();
    }
  });

  it("arrive on the stateful GET /mcp stream", async () => {
    const server = await startServer({ MCP_SESSION_MODE: "stateful" }, { config: { sseHeartbeatMs: 30 } });
    try {
      const init = await fetch(server.mcpUrl, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(INITIALIZE),
      });
      await init.text();
      const response = await fetch(server.mcpUrl, {
        headers: {
          accept: "text/event-stream",
          "mcp-session-id": init.headers.get("mcp-session-id") as string,
          "mcp-protocol-version": "2025-06-18",
        },
      });
      expect(await readUntil(response, HEARTBEAT)).toMatch(HEARTBEAT);
    } finally {
      await server.close();
    }
  });

  it("arrive on a long stateless POST that streams progress", async () => {
    const server = await startServer({}, { config: { sseHeartbeatMs: 30 } });
    try {
      const response = await fetch(server.mcpUrl, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 7,
          method: "tools/call",
          params: { name: "wait_with_progress", arguments: { seconds: 2 }, _meta: { progressToken: "p" } },
        }),
      });
      expect(response.headers.get("content-type")).toBe("text/event-stream");
      const text = await readUntil(response, /"id":7/);
      expect(text).toMatch(/notifications\/progress[\s\S]*: keepalive[\s\S]*"id":7/);
    } finally {
      await server.close();
    }
  });
});

describe("MCP_MAX_CONNECTIONS", () => {
  it("answers 503 with Retry-After beyond the limit, and the count returns to zero when clients go away", async () => {
    // One (anonymous) caller holds both slots: its own cap (a tenth, at least 1) is raised to the total.
    const server = await startServer({ MCP_MAX_CONNECTIONS: "2", MCP_MAX_CONNECTIONS_PER_CALLER: "2" });
    try {
      const controllers = [new AbortController(), new AbortController()];
      const streams = await Promise.all(
        controllers.map((c) => fetch(`${server.base}/sse`, { signal: c.signal })),
      );
      expect(streams.map((s) => s.status)).toEqual([200, 200]);
      expect(server.app.mcp.lifecycle.openConnections).toBe(2);

      const refused = await fetch(server.mcpUrl, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(INITIALIZE),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await refused.json()).toEqual({
        jsonrpc: "2.0",
        error: { code: -32000, message: expect.stringContaining("MCP_MAX_CONNECTIONS=2") },
        id: null,
      });
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);

      for (const c of controllers) c.abort();
      await eventually(() => server.app.mcp.lifecycle.openConnections === 0);
      const client = new Client({ name: "after", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
      expect((await client.callTool({ name: "echo", arguments: { message: "back" } })).content).toEqual([
        { type: "text", text: "back" },
      ]);
      await client.close();
    } finally {
      await server.close();
    }
  });
});

describe("request logs", () => {
  it("carry request id, method, tool, status and duration, and never a credential", async () => {
    const server = await startServer();
    try {
      const response = await fetch(server.mcpUrl, {
        method: "POST",
        headers: {
          ...MCP_HEADERS,
          authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.secret-jwt",
          "x-api-key": "secret-api-key-1",
          "api-key": "secret-api-key-2",
          "x-request-id": "req-123",
          "x-ms-client-principal": "eyJhdXRoX3R5cCI6ImFhZCJ9-principal",
          "x-ms-token-aad-access-token": "aad-access-token-secret",
          "ocp-apim-subscription-key": "apim-key-secret",
          "x-functions-key": "functions-key-secret",
          "mcp-session-id": "session-id-secret",
          "last-event-id": "event-id-secret",
          "mcp-method": "tools/call",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "echo", arguments: { message: "m" } },
        }),
      });
      expect(response.headers.get("x-request-id")).toBe("req-123");
      await response.text();
      await fetch(`${server.base}/healthz`, {
        headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
      });
      await eventually(() => server.logLines().length >= 2);
      const [call, health] = server.logLines();
      expect(call).toMatchObject({
        requestId: "req-123",
        method: "POST",
        path: "/mcp",
        rpcMethod: "tools/call",
        tool: "echo",
        status: 200,
      });
      expect(call.durationMs).toEqual(expect.any(Number));
      // Only allow-listed headers are named: a header can carry a credential or personal data.
      expect(Object.keys(call.headers as object).sort()).toEqual(
        ["accept", "content-length", "content-type", "mcp-method", "user-agent", "x-request-id"].sort(),
      );
      expect(health).toMatchObject({
        requestId: "4bf92f3577b34da6a3ce929d0e0e4736",
        path: "/healthz",
        status: 200,
      });
      const all = JSON.stringify(server.logLines());
      for (const secret of [
        "secret-jwt",
        "secret-api-key-1",
        "secret-api-key-2",
        "principal",
        "aad-access-token-secret",
        "apim-key-secret",
        "functions-key-secret",
        "session-id-secret",
        "event-id-secret",
      ])
        expect(all).not.toContain(secret);
    } finally {
      await server.close();
    }
  });
});

describe("draining", () => {
  it("turns /readyz to 503 at once, refuses new work, lets the call in flight finish, then closes streams", async () => {
    const server = await startServer();
    try {
      const client = new Client({ name: "busy", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
      const legacyStream = await fetch(`${server.base}/sse`);
      let progressed = false;
      const inFlight = client.callTool({ name: "wait_with_progress", arguments: { seconds: 2 } }, undefined, {
        onprogress: () => (progressed = true),
      });
      await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 1, 20_000);

      const lifecycle = server.app.mcp.lifecycle;
      // What drain resolved with, and how many requests were still running at that moment.
      const drained = lifecycle.drain(10_000).then((finished) => ({
        finished,
        requestsInFlight: lifecycle.requestsInFlight,
      }));
      const ready = await fetch(`${server.base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "draining", checks: { auth: "ok" } });
      const refused = await fetch(server.mcpUrl, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(INITIALIZE),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBeTruthy();
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);

      expect((await inFlight).content).toEqual([{ type: "text", text: "Waited 2 seconds" }]);
      expect(progressed).toBe(true);
      // drain waited for the call: it resolved only once nothing was in flight, and not on its grace timer.
      expect(await drained).toEqual({ finished: true, requestsInFlight: 0 });
      // The idle legacy stream is closed by the server once the work is done.
      expect(await legacyStream.text()).toMatch(/event: endpoint/);
      await client.close();
    } finally {
      await server.close();
    }
  });
});
