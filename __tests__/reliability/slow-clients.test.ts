import { postRpc, resultText, toolCall } from "../server/support/rpc-post";
import { eventually, RunningServer, startServer } from "../server/support/test-server";
import { postHead, slowClient } from "./support/slow-client";
import { ALICE, ALICE_AND_BOB, BOB, as } from "../server/support/callers";

// Slow clients cannot hold slots past the time limits, and one caller's slow bodies in every slot it may
// have leave the others served. Times are reported, not asserted (the machine is shared), except that a
// cut never comes before its limit.
const PER_CALLER = 3;
const BODY = JSON.stringify(toolCall(1, "echo", { message: "slow" }));
const SERVER = {
  ...ALICE_AND_BOB,
  MCP_MAX_CONNECTIONS: "10",
  MCP_MAX_CONNECTIONS_PER_CALLER: String(PER_CALLER),
  LOG_LEVEL: "warn",
};
/** A byte every 250 ms: the body (about 90 bytes) is not complete within the 2 s limit. */
const DRIBBLE_MS = 250;

describe("slow clients", () => {
  it("serves another caller while one holds slow bodies in every slot it may have", async () => {
    // No time limit in reach (an hour; a byte a second, so the body takes 90 s): the slots stay held for
    // as long as the checks take on a busy machine, and the test drops the slow clients itself.
    const server = await startServer({ ...SERVER, MCP_REQUEST_TIMEOUT_SECONDS: "3600" });
    const port = Number(new URL(server.base).port);
    const slow = Array.from({ length: PER_CALLER }, () =>
      slowClient(port, postHead(BODY.length, as(ALICE)), BODY, 1000),
    );
    try {
      await eventually(() => server.app.mcp.lifecycle.openConnections === PER_CALLER);

      const aliceMore = await postRpc(server.mcpUrl, toolCall(2, "echo", { message: "more" }), as(ALICE));
      expect(aliceMore.status).toBe(429);
      const bobStarted = Date.now();
      const bob = await postRpc(server.mcpUrl, toolCall(3, "echo", { message: "bob" }), as(BOB));
      const bobMs = Date.now() - bobStarted;
      expect(resultText(bob.messages[0])).toBe("bob");
      // Alice's bodies were still arriving all along: nothing was cut early.
      expect(server.app.mcp.lifecycle.openConnections).toBe(PER_CALLER);
      process.stdout.write(
        `reliability/slow-clients: Bob answered in ${bobMs} ms while Alice held ${PER_CALLER}/${PER_CALLER} slots\n`,
      );
    } finally {
      for (const client of slow) client.destroy();
      await server.close();
    }
  });

  describe("with MCP_REQUEST_TIMEOUT_SECONDS=2", () => {
    let server: RunningServer;
    let port: number;
    beforeAll(async () => {
      server = await startServer({ ...SERVER, MCP_REQUEST_TIMEOUT_SECONDS: "2" });
      port = Number(new URL(server.base).port);
    });
    afterAll(() => server.close());

    it("cuts slow bodies in every slot at the time limit with 408 and its JSON-RPC error, and frees the slots", async () => {
      const slow = Array.from({ length: PER_CALLER }, () =>
        slowClient(port, postHead(BODY.length, as(ALICE)), BODY, DRIBBLE_MS),
      );
      const answers = await Promise.all(slow.map((client) => client.answer));
      for (const answer of answers) {
        expect(answer.status).toBe(408);
        expect(answer.body).toMatch(/MCP_REQUEST_TIMEOUT_SECONDS/);
        expect(answer.heldMs).toBeGreaterThanOrEqual(2000);
      }
      await eventually(() => server.app.mcp.lifecycle.openConnections === 0);
      const alice = await postRpc(server.mcpUrl, toolCall(4, "echo", { message: "after" }), as(ALICE));
      expect(resultText(alice.messages[0])).toBe("after");
      process.stdout.write(
        `reliability/slow-clients: slow bodies cut after ${answers.map((a) => a.heldMs).join(", ")} ms (limit 2000 ms)\n`,
      );
    });

    it("closes a connection whose headers dribble in past the header limit", async () => {
      const head = postHead(BODY.length, as(BOB));
      // Sends the request line at once, then one header byte every 200 ms: never a complete head in time.
      const client = slowClient(port, head.slice(0, 20), head.slice(20), 200);
      const answer = await client.answer;
      // Node answers 408 (or just closes) once headersTimeout has passed; the socket does not live on.
      expect([408, undefined]).toContain(answer.status);
      expect(answer.heldMs).toBeLessThan(head.length * 200);
      process.stdout.write(
        `reliability/slow-clients: header dribbler closed after ${answer.heldMs} ms (limit 2000 ms)\n`,
      );
    });
  });
});
