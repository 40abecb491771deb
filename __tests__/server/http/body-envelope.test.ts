import { postRpc } from "../support/rpc-post";
import { INITIALIZE, RunningServer, startServer } from "../support/test-server";

// Anything carrying an id gets an answer; Accept q=0 and a wrong charset are refused.
describe("the body layer answers every id", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it.each([
    ["an extra member", `{"jsonrpc":"2.0","id":1,"method":"ping","x":1}`, 1],
    ["a string id and an extra member", `{"jsonrpc":"2.0","id":"abc","method":"ping","extra":true}`, "abc"],
    ["a response with a method's params", `{"jsonrpc":"2.0","id":7,"result":{},"params":{}}`, 7],
  ])("answers a message with %s 400 -32600 carrying its id, not an empty 202", async (_what, body, id) => {
    const answer = await postRpc(server.mcpUrl, body);
    expect(answer.status).toBe(400);
    expect(answer.messages).toEqual([
      {
        jsonrpc: "2.0",
        error: { code: -32600, message: expect.stringMatching(/not a JSON-RPC 2.0 message/) },
        id,
      },
    ]);
  });

  it("refuses an Accept entry with q=0 as not accepted (406)", async () => {
    const answer = await postRpc(server.mcpUrl, INITIALIZE, {
      accept: "application/json, text/event-stream;q=0",
    });
    expect(answer.status).toBe(406);
    expect(answer.messages[0]).toMatchObject({ error: { message: expect.stringMatching(/q=0/) } });
    const ok = await postRpc(server.mcpUrl, INITIALIZE, {
      accept: "application/json;q=0.5, text/event-stream;q=0.1",
    });
    expect(ok.status).toBe(200);
  });

  it("answers 415 naming the charset for a body that is not UTF-8, and serves charset=utf-8", async () => {
    const answer = await postRpc(server.mcpUrl, INITIALIZE, {
      "content-type": "application/json; charset=iso-8859-1",
    });
    expect(answer.status).toBe(415);
    expect(answer.messages[0]).toMatchObject({
      error: { code: -32000, message: expect.stringMatching(/charset 'iso-8859-1' is not supported.*UTF-8/) },
    });
    const ok = await postRpc(server.mcpUrl, INITIALIZE, {
      "content-type": 'application/json; charset="UTF-8"',
    });
    expect(ok.status).toBe(200);
  });

  it("takes a batch of 100 messages and refuses 101", async () => {
    const pings = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "ping" }));
    const headers = { "mcp-protocol-version": "2025-03-26" };
    const hundred = await postRpc(server.mcpUrl, pings(100), headers);
    expect(hundred.status).toBe(200);
    expect(hundred.messages.map((m) => m.id)).toEqual(pings(100).map((m) => m.id));
    const tooMany = await postRpc(server.mcpUrl, pings(101), headers);
    expect(tooMany.status).toBe(400);
    expect(tooMany.messages[0]).toMatchObject({
      id: null,
      error: { code: -32600, message: expect.stringMatching(/batch of 1 to 100 messages \(got 101\)/) },
    });
  });
});
