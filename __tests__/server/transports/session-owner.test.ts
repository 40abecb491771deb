import { request } from "node:http";
import { RunningServer, startServer, MCP_HEADERS, INITIALIZE } from "../support/test-server";

const ALICE = "alice-key-0123456789abcdef";
const BOB = "bob-key-0123456789abcdef-x";
const PING = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "ping" });

/** Opens a session as one caller, then uses it as each caller in turn. */
describe("sessions answer only the caller that opened them", () => {
  describe("stateful Streamable HTTP", () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({
        AUTH_MODE: "apikey",
        MCP_API_KEYS: `alice:${ALICE},bob:${BOB}`,
        MCP_SESSION_MODE: "stateful",
      });
    });
    afterAll(() => server.close());

    async function openSession(key: string): Promise<string> {
      const response = await fetch(server.mcpUrl, {
        method: "POST",
        headers: { ...MCP_HEADERS, "api-key": key },
        body: JSON.stringify(INITIALIZE),
      });
      await response.text();
      return response.headers.get("mcp-session-id") ?? "";
    }

    const ping = (sessionId: string, key: string) =>
      fetch(server.mcpUrl, {
        method: "POST",
        headers: {
          ...MCP_HEADERS,
          "api-key": key,
          "mcp-session-id": sessionId,
          "mcp-protocol-version": "2025-06-18",
        },
        body: PING,
      });

    it("serves the owner and gives another authenticated caller the same 404 as an unknown session", async () => {
      const sessionId = await openSession(ALICE);
      expect(sessionId).not.toBe("");
      expect((await ping(sessionId, ALICE)).status).toBe(200);

      const stolen = await ping(sessionId, BOB);
      const unknown = await ping("00000000-0000-0000-0000-000000000000", BOB);
      expect(stolen.status).toBe(404);
      expect(unknown.status).toBe(404);
      const stolenBody = (await stolen.json()) as { error: { code: number; message: string } };
      const unknownBody = (await unknown.json()) as { error: { code: number; message: string } };
      expect(stolenBody.error.code).toBe(unknownBody.error.code);

      // The owner is unaffected by the attempt.
      expect((await ping(sessionId, ALICE)).status).toBe(200);
    });
  });

  describe("legacy HTTP+SSE", () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await startServer({ AUTH_MODE: "apikey", MCP_API_KEYS: `alice:${ALICE},bob:${BOB}` });
    });
    afterAll(() => server.close());

    /** Opens GET /sse as `key` and resolves with the /messages URL from its endpoint event. */
    function openSse(key: string): Promise<{ endpoint: string; close: () => void }> {
      return new Promise((resolve, reject) => {
        const req = request(`${server.base}/sse`, {
          headers: { accept: "text/event-stream", "api-key": key },
        });
        req.once("error", reject);
        req.once("response", (res) => {
          let buffered = "";
          res.on("data", (chunk: Buffer) => {
            buffered += chunk.toString();
            const match = /event: endpoint\ndata: (\S+)/.exec(buffered);
            if (match) resolve({ endpoint: match[1], close: () => req.destroy() });
          });
        });
        req.end();
      });
    }

    const post = (endpoint: string, key: string) =>
      fetch(new URL(endpoint, server.base), {
        method: "POST",
        headers: { "content-type": "application/json", "api-key": key },
        body: PING,
      });

    it("takes POSTs from the owner only", async () => {
      const stream = await openSse(ALICE);
      try {
        expect((await post(stream.endpoint, BOB)).status).toBe(404);
        expect((await post(stream.endpoint, ALICE)).status).toBe(202);
      } finally {
        stream.close();
      }
    });
  });
});
