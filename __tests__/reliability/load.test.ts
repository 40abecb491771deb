import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { eventually, RunningServer, startServer } from "../server/support/test-server";
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
  });
  afterAll(() => server.close());

  it("answers every call without error, each with exactly its own message", async () => {
    const random = seededRandom(7);
    const messageFor = (client: number, call: number): string => {
      let noise = "";
      for (let i = 0; i < 1 + Math.floor(random() * 24); i++) {
        noise += ALPHABET[Math.floor(random() * ALPHABET.length)];
      }
      return `client ${client} call ${call} ${noise}`;
    };
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, index) => {
        const client = new Client({ name: `load-${index}`, version: "1" });
        await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
        return client;
      }),
    );

    const mismatches: string[] = [];
    const errors: string[] = [];
    let answered = 0;
    await Promise.all(
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
            errors.push(`${JSON.stringify(message)}: ${String(error)}`);
          }
        }
      }),
    );
    await Promise.all(clients.map((client) => client.close()));

    expect(errors).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(answered).toBe(CLIENTS * CALLS_PER_CLIENT);
    // Nothing left behind: no request counted in flight, no connection counted open, no error logged.
    await eventually(
      () => server.app.mcp.lifecycle.requestsInFlight === 0 && server.app.mcp.lifecycle.openConnections === 0,
    );
    expect(server.logLines().filter((line) => line.level !== undefined && Number(line.level) >= 50)).toEqual(
      [],
    );
  }, 60_000);
});
