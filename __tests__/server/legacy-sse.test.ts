import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { eventually, RunningServer, startServer } from "./support/test-server";
import { builtInToolNames } from "./support/tool-names";

describe("legacy HTTP+SSE at /sse and /messages", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("lists and calls every tool, with progress, and forgets the session when the client goes", async () => {
    const client = new Client({ name: "legacy", version: "1.0.0" });
    await client.connect(new SSEClientTransport(new URL(`${server.base}/sse`)));
    expect(server.app.mcp.sessionCounts().legacySse).toBe(1);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual((await builtInToolNames()).sort());
    expect((await client.callTool({ name: "echo", arguments: { message: "old" } })).content).toEqual([
      { type: "text", text: "old" },
    ]);
    expect((await client.callTool({ name: "whoami", arguments: {} })).structuredContent).toMatchObject({
      kind: "anonymous",
    });
    const time = await client.callTool({ name: "get_current_utc_time", arguments: {} });
    expect((time.structuredContent as { utc: string }).utc).toMatch(/Z$/);
    const progress: number[] = [];
    await client.callTool({ name: "wait_with_progress", arguments: { seconds: 2 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    // The SDK client may drop the last notification when the response follows at once; the first must arrive.
    expect(progress[0]).toBe(1);
    const bad = await client.callTool({ name: "wait_with_progress", arguments: { seconds: 0 } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toMatch(/seconds/);
    await client.close();
    await eventually(
      () => server.app.mcp.sessionCounts().legacySse === 0 && server.app.mcp.lifecycle.openConnections === 0,
    );
  });

  it("answers a POST to an unknown session with 404", async () => {
    const response = await fetch(`${server.base}/messages?sessionId=nope`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32001 }, id: null });
  });
});
