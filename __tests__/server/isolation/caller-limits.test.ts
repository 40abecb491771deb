import type { McpServer } from "@modelcontextprotocol/server";
import { postRpc, resultText, toolCall } from "../support/rpc-post";
import { eventually, RunningServer, startServer } from "../support/test-server";
import { ALICE, ALICE_AND_BOB, BOB, as } from "../support/callers";

// One caller cannot take every slot, and failed authentication is throttled (the throttle's threats:
// auth/failed-auth-throttle.test.ts).
const wait = (id: number, seconds: number) => toolCall(id, "wait_with_progress", { seconds });

/**
 * A tool whose calls run until the test opens the gate: a held call holds its slots for exactly as long as
 * the test needs, however slow the machine (a fixed-length call could end before the test looks).
 */
function gate() {
  let started = 0;
  let open: () => void = () => undefined;
  let opened = new Promise<void>((resolve) => (open = resolve));
  return {
    register(server: McpServer): void {
      server.registerTool("hold", { description: "Runs until the test opens the gate." }, async () => {
        started++;
        await opened;
        return { content: [{ type: "text", text: "released" }] };
      });
    },
    /** Resolves once `count` calls are running inside the tool (every slot they need is taken). */
    running: (count: number) => eventually(() => started >= count),
    /** Lets every running call finish, and re-arms the gate for the next test. */
    release(): void {
      open();
      started = 0;
      opened = new Promise<void>((resolve) => (open = resolve));
    },
  };
}
const hold = (id: number | string) => toolCall(id, "hold", {});

describe("per-caller caps", () => {
  let server: RunningServer;
  const held = gate();
  beforeAll(async () => {
    server = await startServer(
      {
        ...ALICE_AND_BOB,
        MCP_MAX_CONNECTIONS: "10",
        MCP_MAX_CONNECTIONS_PER_CALLER: "2",
        MCP_MAX_TOOL_CALLS_PER_CALLER: "2",
      },
      { deps: { extraTools: [held.register] } },
    );
  });
  afterEach(() => held.release());
  afterAll(() => server.close());

  it("refuses a caller's third concurrent request with 429 and Retry-After while another caller is served", async () => {
    const aliceCalls = [
      postRpc(server.mcpUrl, hold(1), as(ALICE)),
      postRpc(server.mcpUrl, hold(2), as(ALICE)),
    ];
    await held.running(2);
    const third = await postRpc(server.mcpUrl, toolCall(3, "echo", { message: "3" }), as(ALICE));
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(third.messages[0]).toMatchObject({
      error: { code: -32000, message: expect.stringMatching(/MCP_MAX_CONNECTIONS_PER_CALLER=2/) },
    });
    const bob = await postRpc(server.mcpUrl, toolCall(1, "echo", { message: "bob" }), as(BOB));
    expect(resultText(bob.messages[0])).toBe("bob");
    held.release();
    for (const answer of await Promise.all(aliceCalls))
      expect(resultText(answer.messages[0])).toBe("released");
    // The slots come back once the responses close.
    const again = await postRpc(server.mcpUrl, toolCall(4, "echo", { message: "4" }), as(ALICE));
    expect(resultText(again.messages[0])).toBe("4");
  });

  it("counts each tool call of a batch against the in-flight cap, answering the whole batch 429", async () => {
    const answer = await postRpc(server.mcpUrl, [wait(1, 1), wait(2, 1), wait(3, 1)], as(ALICE));
    expect(answer.status).toBe(429);
    expect(answer.messages[0]).toMatchObject({
      error: { message: expect.stringMatching(/asked for 3 more \(MCP_MAX_TOOL_CALLS_PER_CALLER=2\)/) },
    });
    const two = await postRpc(server.mcpUrl, [wait(1, 1), wait(2, 1)], as(ALICE));
    expect(two.messages.map(resultText)).toEqual(["Waited 1 seconds", "Waited 1 seconds"]);
  });

  it("answers a single refused tools/call with its own id", async () => {
    const batch = postRpc(server.mcpUrl, [hold(1), hold(2)], as(BOB));
    await held.running(2);
    const refused = await postRpc(server.mcpUrl, toolCall("mine", "echo", { message: "x" }), as(BOB));
    expect(refused.status).toBe(429);
    expect(refused.messages[0]).toMatchObject({ id: "mine", error: { code: -32000 } });
    held.release();
    expect((await batch).messages.map(resultText)).toEqual(["released", "released"]);
  });
});

describe("failed-auth throttle with the real API-key layer, default limit", () => {
  it("answers the 61st wrong key in a minute 429 instead of 401 (MCP_AUTH_FAILURES_PER_MINUTE=60)", async () => {
    // The throttle's clock stands still: 70 requests stay in one window however long a busy machine takes.
    const frozen = Date.now();
    const server = await startServer(ALICE_AND_BOB, { appOptions: { authThrottle: { now: () => frozen } } });
    try {
      const statuses = new Map<number, number>();
      for (let i = 0; i < 70; i++) {
        const answer = await postRpc(
          server.mcpUrl,
          toolCall(1, "echo", { message: "x" }),
          as(`wrong-key-${i}-0123456789`),
        );
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      }
      expect(Object.fromEntries(statuses)).toEqual({ 401: 60, 429: 10 });
    } finally {
      await server.close();
    }
  });
});
