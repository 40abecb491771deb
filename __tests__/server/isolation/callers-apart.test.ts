import { postRpc, resultText, toolCall, RpcMessage } from "../support/rpc-post";
import { RunningServer, startServer } from "../support/test-server";
import { ALICE, ALICE_AND_BOB, BOB, as } from "../support/callers";

// A request's answer and notifications reach only the HTTP response that carried it.

const progressTokens = (messages: RpcMessage[]): unknown[] =>
  messages
    .filter((m) => m.method === "notifications/progress")
    .map((m) => (m.params as { progressToken: unknown }).progressToken);
const finalOf = (messages: RpcMessage[], id: unknown) => messages.find((m) => m.id === id && !m.method);

describe("callers stay apart (apikey mode, stateless)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      ...ALICE_AND_BOB,
    });
  });
  afterAll(() => server.close());

  it("refuses a batch that repeats an id, naming the id, and runs none of it", async () => {
    const answer = await postRpc(
      server.mcpUrl,
      [toolCall(1, "wait_with_progress", { seconds: 2 }, "ALICE-PT"), toolCall(1, "echo", { message: "hi" })],
      as(ALICE),
    );
    expect(answer.status).toBe(400);
    expect(answer.messages).toEqual([
      {
        jsonrpc: "2.0",
        error: { code: -32600, message: expect.stringMatching(/id 1 is used by more than one request/) },
        id: null,
      },
    ]);
  });

  it.each([
    ["an MCP-Protocol-Version header of 2025-06-18", { "mcp-protocol-version": "2025-06-18" }, {}],
    ["an MCP-Protocol-Version header of 2025-11-25", { "mcp-protocol-version": "2025-11-25" }, {}],
    [
      "a 2026-07-28 _meta envelope",
      {},
      { _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } },
    ],
  ])(
    "refuses any batch sent with %s (batching was removed in 2025-06-18)",
    async (_what, headers, params) => {
      const answer = await postRpc(
        server.mcpUrl,
        [
          { jsonrpc: "2.0", id: 1, method: "ping", params },
          { jsonrpc: "2.0", id: 2, method: "ping", params },
        ],
        { ...as(ALICE), ...headers },
      );
      expect(answer.status).toBe(400);
      expect(answer.messages[0]).toMatchObject({
        error: {
          code: -32600,
          message: expect.stringMatching(/batches are not supported in protocol 202\d-\d\d-\d\d/),
        },
      });
    },
  );

  it("still answers a batch with distinct ids from a client of protocol 2025-03-26 (no version header)", async () => {
    const answer = await postRpc(
      server.mcpUrl,
      [toolCall(1, "echo", { message: "one" }), toolCall(2, "echo", { message: "two" })],
      as(ALICE),
    );
    expect(answer.status).toBe(200);
    expect(answer.messages.map((m) => [m.id, resultText(m)])).toEqual([
      [1, "one"],
      [2, "two"],
    ]);
  });

  it("keeps concurrent calls of two callers with the same id and progress token apart", async () => {
    const [alice, bob] = await Promise.all([
      postRpc(server.mcpUrl, toolCall(1, "wait_with_progress", { seconds: 2 }, "PT"), as(ALICE)),
      postRpc(server.mcpUrl, toolCall(1, "wait_with_progress", { seconds: 3 }, "PT"), as(BOB)),
    ]);
    // Each sees exactly its own ticks (2 and 3 of them) and its own result.
    expect(progressTokens(alice.messages)).toEqual(["PT", "PT"]);
    expect(progressTokens(bob.messages)).toEqual(["PT", "PT", "PT"]);
    expect(resultText(finalOf(alice.messages, 1))).toBe("Waited 2 seconds");
    expect(resultText(finalOf(bob.messages, 1))).toBe("Waited 3 seconds");
  });

  it("gives Bob none of Alice's progress after her refused repeated-id batch, and Alice none of Bob's", async () => {
    const refused = postRpc(
      server.mcpUrl,
      [toolCall(1, "wait_with_progress", { seconds: 2 }, "ALICE-PT"), toolCall(1, "echo", { message: "x" })],
      as(ALICE),
    );
    const bob = postRpc(server.mcpUrl, toolCall(1, "wait_with_progress", { seconds: 3 }, "BOB-PT"), as(BOB));
    expect((await refused).status).toBe(400);
    const alice = await postRpc(
      server.mcpUrl,
      toolCall(1, "wait_with_progress", { seconds: 1 }, "ALICE-PT"),
      as(ALICE),
    );
    const bobs = await bob;
    expect(new Set(progressTokens(bobs.messages))).toEqual(new Set(["BOB-PT"]));
    expect(resultText(finalOf(bobs.messages, 1))).toBe("Waited 3 seconds");
    expect(progressTokens(alice.messages)).toEqual(["ALICE-PT"]);
    expect(resultText(finalOf(alice.messages, 1))).toBe("Waited 1 seconds");
  });
});
