import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CHILD_SERVER_TEST_TIMEOUT_MS,
  ChildServer,
  listeningUrl,
  startChildServer,
} from "../server/support/child-server";
import { eventually, INITIALIZE, MCP_HEADERS } from "../server/support/test-server";

const IN_FLIGHT = 20;
// Long enough that, after every call has reported its first second, SIGTERM lands mid-call and the 503
// below is answered while calls still run, with seconds to spare on a busy machine.
const SECONDS = 8;

interface Call {
  started: boolean;
  settled: boolean;
  result: Promise<unknown>;
}

describe("drain: SIGTERM during 20 in-flight calls of a real server process", () => {
  let child: ChildServer;
  afterEach(() => {
    child.process.kill("SIGKILL");
  });

  it(
    "finishes all 20 with correct results, refuses new work with 503, then exits 0",
    async () => {
      child = startChildServer({ PORT: "0", MCP_SHUTDOWN_GRACE_SECONDS: "20" });
      const base = await listeningUrl(child);
      const clients = await Promise.all(
        Array.from({ length: IN_FLIGHT }, async (_, index) => {
          const client = new Client({ name: `drain-${index}`, version: "1" });
          await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
          return client;
        }),
      );
      const calls: Call[] = clients.map((client) => {
        const call: Call = { started: false, settled: false, result: Promise.resolve() };
        call.result = client
          .callTool({ name: "wait_with_progress", arguments: { seconds: SECONDS } }, undefined, {
            onprogress: () => (call.started = true),
            timeout: 30_000,
          })
          .finally(() => (call.settled = true));
        return call;
      });
      // Every call is running server-side (its first progress arrived) before the signal.
      await eventually(() => calls.every((call) => call.started), 15_000);
      expect(calls.filter((call) => call.settled)).toEqual([]);

      child.process.kill("SIGTERM");
      await eventually(() => child.stdout().includes('"msg":"draining"'), 20_000);

      // main.ts keeps listening while it drains, so a new request gets a clear 503 (a load balancer retries
      // elsewhere) rather than a refused connection; the process is still up because the calls are unfinished.
      const refused = await fetch(`${base}/mcp`, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(INITIALIZE),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("5");
      expect(await refused.json()).toEqual({
        jsonrpc: "2.0",
        error: { code: -32000, message: "Service Unavailable: the server is shutting down" },
        id: null,
      });
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      const stillInFlight = calls.filter((call) => !call.settled).length;

      const results = await Promise.all(calls.map((call) => call.result));
      for (const result of results) {
        expect(result).toMatchObject({ content: [{ type: "text", text: `Waited ${SECONDS} seconds` }] });
        expect((result as { isError?: boolean }).isError).toBeUndefined();
      }
      expect(await child.exited).toBe(0);
      expect(child.stdout()).toContain('"finished":true');
      // The 503 above was answered while calls were still running (else it proves nothing about draining).
      expect(stillInFlight).toBeGreaterThan(0);

      // Once the process is gone the port is closed: the connection itself is refused.
      const afterExit = await fetch(`${base}/healthz`).then(
        () => "answered",
        (error: { cause?: { code?: string } }) => error.cause?.code,
      );
      expect(afterExit).toBe("ECONNREFUSED");
      await Promise.all(clients.map((client) => client.close()));
    },
    CHILD_SERVER_TEST_TIMEOUT_MS,
  );
});
