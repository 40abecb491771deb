import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { CallerSlots } from "../../../server/http/caller-slots";
import { postRpc, resultText, toolCall, type RpcMessage } from "../support/rpc-post";
import { eventually, MCP_HEADERS, openRawSession, RunningServer, startServer } from "../support/test-server";
import { ALICE, ALICE_AND_BOB, as } from "../support/callers";

// MCP_MAX_TOOL_CALLS_PER_CALLER and the rate limit count every tools/call, whatever the transport carrying
// it (JSON-RPC batches, 2025 sessions, legacy SSE, 2026-07-28 requests), against the real server on 127.0.0.1.
const wait = (id: number | string, seconds: number) => toolCall(id, "wait_with_progress", { seconds });

describe("CallerSlots", () => {
  it("releasing one of a caller's slots frees that one only, and a second release of it nothing", () => {
    const slots = new CallerSlots(3);
    const first = slots.take("alice")!;
    const second = slots.take("alice", 2)!;
    first();
    expect(slots.heldBy("alice")).toBe(2);
    first();
    expect(slots.heldBy("alice")).toBe(2);
    expect(slots.take("alice", 2)).toBeUndefined();
    second();
    second();
    expect(slots.heldBy("alice")).toBe(0);
    expect(slots.take("alice", 3)).toBeDefined();
  });

  it("takes each of several slots all or nothing, each with its own release", () => {
    const slots = new CallerSlots(3);
    const held = slots.take("bob")!;
    expect(slots.takeEach("bob", 3)).toBeUndefined();
    expect(slots.heldBy("bob")).toBe(1);
    const each = slots.takeEach("bob", 2)!;
    expect(slots.heldBy("bob")).toBe(3);
    each[0]();
    each[0]();
    expect(slots.heldBy("bob")).toBe(2);
    held();
    each[1]();
    expect(slots.heldBy("bob")).toBe(0);
  });
});

async function sseClient(server: RunningServer, key: string): Promise<Client> {
  const client = new Client({ name: "legacy-cap", version: "1.0.0" });
  await client.connect(
    new SSEClientTransport(new URL(`${server.base}/sse`), { requestInit: { headers: as(key) } }),
  );
  return client;
}

describe("the tool-call cap over legacy SSE", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ ...ALICE_AND_BOB, MCP_MAX_TOOL_CALLS_PER_CALLER: "2" });
  });
  afterAll(() => server.close());

  it("cap 2, 20 calls at once over /sse: 2 run, 18 are refused with 429", async () => {
    const client = await sseClient(server, ALICE);
    try {
      const calls = Array.from({ length: 20 }, () =>
        client.callTool({ name: "wait_with_progress", arguments: { seconds: 2 } }),
      );
      const settled = await Promise.allSettled(calls);
      expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(2);
      for (const refused of settled.filter((s) => s.status === "rejected"))
        expect(String(refused.reason)).toMatch(/HTTP 429.*MCP_MAX_TOOL_CALLS_PER_CALLER=2/);
      // Answered calls free their places: the next two run.
      const again = await Promise.all([
        client.callTool({ name: "echo", arguments: { message: "a" } }),
        client.callTool({ name: "echo", arguments: { message: "b" } }),
      ]);
      expect(again.map((r) => (r.content as Array<{ text: string }>)[0].text)).toEqual(["a", "b"]);
    } finally {
      await client.close();
    }
  });

  it("frees a cancelled call's place, and every place when the stream closes", async () => {
    const client = await sseClient(server, ALICE);
    const cancel = new AbortController();
    const cancelled = client
      .callTool({ name: "wait_with_progress", arguments: { seconds: 60 } }, undefined, {
        signal: cancel.signal,
      })
      .catch((error: unknown) => error);
    const running = client
      .callTool({ name: "wait_with_progress", arguments: { seconds: 60 } })
      .catch(() => 0);
    await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 2);
    await expect(client.callTool({ name: "echo", arguments: { message: "3rd" } })).rejects.toThrow(/429/);
    cancel.abort("test");
    await cancelled;
    await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 1);
    const third = await client.callTool({ name: "echo", arguments: { message: "3rd" } });
    expect((third.content as Array<{ text: string }>)[0].text).toBe("3rd");
    await client.close();
    await running;
    // The stream closed with a call still running: a new session has both places.
    const next = await sseClient(server, ALICE);
    try {
      const both = await Promise.all([
        next.callTool({ name: "echo", arguments: { message: "x" } }),
        next.callTool({ name: "echo", arguments: { message: "y" } }),
      ]);
      expect(both).toHaveLength(2);
    } finally {
      await next.close();
    }
  });
});

describe("the tool-call cap in a stateful session", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ MCP_SESSION_MODE: "stateful", MCP_MAX_TOOL_CALLS_PER_CALLER: "2" });
  });
  afterAll(() => server.close());

  it("calls whose POST went away keep their places until they are answered", async () => {
    const headers = await openRawSession(server);
    const startThenLeave = async (id: number): Promise<void> => {
      const leave = new AbortController();
      const response = await fetch(server.mcpUrl, {
        method: "POST",
        headers,
        body: JSON.stringify(wait(id, 3)),
        signal: leave.signal,
      });
      expect(response.status).toBe(200);
      leave.abort();
    };
    await startThenLeave(1);
    await startThenLeave(2);
    // Both calls still run in the session: a third is refused although no POST is open.
    const third = await postRpc(server.mcpUrl, toolCall(3, "echo", { message: "3" }), headers);
    expect(third.status).toBe(429);
    expect(third.messages[0]).toMatchObject({
      id: 3,
      error: { message: expect.stringMatching(/MCP_MAX_TOOL_CALLS_PER_CALLER=2/) },
    });
    // Once they are answered (into the session's event store), their places are free.
    await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 0);
    const fourth = await postRpc(server.mcpUrl, toolCall(4, "echo", { message: "4" }), headers);
    expect(resultText(fourth.messages[0])).toBe("4");
  });
});

describe("the rate limit counts each tools/call of a batch", () => {
  let server: RunningServer;
  let clock = 1_000_000;
  beforeAll(async () => {
    server = await startServer(
      { ...ALICE_AND_BOB, MCP_RATE_LIMIT_PER_MINUTE: "10", MCP_MAX_TOOL_CALLS_PER_CALLER: "1000" },
      { appOptions: { now: () => clock } },
    );
  });
  afterAll(() => server.close());

  const batch = (size: number, from = 0): RpcMessage[] =>
    Array.from({ length: size }, (_, i) => toolCall(from + i, "echo", { message: `m${from + i}` }));
  const BATCH_HEADERS = { ...as(ALICE), "mcp-protocol-version": "2025-03-26" };

  it("limit 10/min, 20 batches of 100 calls: none runs", async () => {
    let answered = 0;
    for (let i = 0; i < 20; i++) {
      const answer = await postRpc(server.mcpUrl, batch(100), BATCH_HEADERS);
      expect(answer.status).toBe(429);
      answered += answer.messages.filter((m) => m.result !== undefined).length;
    }
    expect(answered).toBe(0);
  });

  it("lets 11 calls through in a window (10 plus the burst of 1), however they are packed", async () => {
    clock += 60_000;
    const first = await postRpc(server.mcpUrl, batch(5), BATCH_HEADERS);
    expect(first.messages.map(resultText)).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    const second = await postRpc(server.mcpUrl, batch(5, 5), BATCH_HEADERS);
    expect(second.messages).toHaveLength(5);
    const third = await postRpc(server.mcpUrl, batch(2, 10), BATCH_HEADERS);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBe(60);
    expect(third.messages[0]).toMatchObject({
      id: null,
      error: { message: expect.stringMatching(/MCP_RATE_LIMIT_PER_MINUTE=10, each tools\/call of a batch/) },
    });
    clock += 60_000;
    const single = await fetch(server.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...as(ALICE) },
      body: JSON.stringify(toolCall(1, "echo", { message: "new window" })),
    });
    expect(single.status).toBe(200);
  });
});
