import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { RunningServer, startServer } from "../server/support/test-server";
import { closeIdleConnectionsOnlyFromTheClient } from "./support/idle-connections";
import { LIVELOCK_MS, untilDone, withoutStall } from "./support/progress";
import { seededRandom } from "./support/seeded-random";

const CLIENTS = 50;
const CALLS_PER_CLIENT = 40; // 50 x 40 = 2,000 tool calls
// Mixed scripts, quotes and escapes: a response mixed up with another one, or re-encoded, shows at once.
const ALPHABET = ["a", "Z", "7", " ", '"', "\\", "\n", "é", "中", "🙂", "{", "}", "<", "&"];

describe("load: 2,000 stateless tool calls from 50 concurrent SDK clients", () => {
  let server: RunningServer;
  beforeAll(async () => {
    // One anonymous caller sends everything here; the per-caller limiter has its own tests.
    server = await startServer({ LOG_LEVEL: "warn", MCP_RATE_LIMIT_PER_MINUTE: "0" });
    closeIdleConnectionsOnlyFromTheClient(server);
  });
  afterAll(() => server.close());

  it(
    "answers every call without error, each with exactly its own message",
    async () => {
      const random = seededRandom(7);
      const messageFor = (client: number, call: number): string => {
        let noise = "";
        for (let i = 0; i < 1 + Math.floor(random() * 24); i++) {
          noise += ALPHABET[Math.floor(random() * ALPHABET.length)];
        }
        return `client ${client} call ${call} ${noise}`;
      };
      let connected = 0;
      const clients = await withoutStall(
        Promise.all(
          Array.from({ length: CLIENTS }, async (_, index) => {
            const client = new Client({ name: `load-${index}`, version: "1" });
            await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
            connected++;
            return client;
          }),
        ),
        () => connected,
        "connecting the clients",
      );

      const mismatches: string[] = [];
      const errors: string[] = [];
      let answered = 0;
      let failed = 0;
      // No time budget: a busy machine slows the calls down, so the wait is on progress (an answer or an error
      // at least every STALL_MS); a lost or stuck response stops it and fails with the count reached.
      const calls = Promise.all(
        clients.map(async (client, c) => {
          for (let call = 0; call < CALLS_PER_CLIENT; call++) {
            const message = messageFor(c, call);
            try {
              const result = await client.callTool({ name: "echo", arguments: { message } });
              answered++;
              const expected = [{ type: "text", text: message }];
              if (result.isError || JSON.stringify(result.content) !== JSON.stringify(expected)) {
                mismatches.push(`${JSON.stringify(message)} -> ${JSON.stringify(result)}`);
              }
            } catch (error) {
              failed++;
              const cause = (error as { cause?: unknown }).cause;
              errors.push(
                `${JSON.stringify(message)}: ${String(error)}${cause ? ` (${String(cause)})` : ""}`,
              );
            }
          }
        }),
      );
      await withoutStall(calls, () => answered + failed, "the calls");
      await Promise.all(clients.map((client) => client.close()));

      expect(errors).toEqual([]);
      expect(mismatches).toEqual([]);
      expect(answered).toBe(CLIENTS * CALLS_PER_CLIENT);
      // Nothing left behind: no request counted in flight, no connection counted open, no error logged.
      const lifecycle = server.app.mcp.lifecycle;
      await untilDone(
        () => lifecycle.requestsInFlight === 0 && lifecycle.openConnections === 0,
        () => [lifecycle.requestsInFlight, lifecycle.openConnections],
        "requests and connections closing",
      );
      expect(
        server.logLines().filter((line) => line.level !== undefined && Number(line.level) >= 50),
      ).toEqual([]);
    },
    LIVELOCK_MS,
  );
});
