import type { McpServer } from "@modelcontextprotocol/server";
import { burstAllowance } from "../../../server/http/rate-limit";
import { MCP_HEADERS, RunningServer, startServer } from "../support/test-server";

const KEY_A = "key-of-caller-a-0123456789";
const KEY_B = "key-of-caller-b-0123456789";

/** A test-only tool whose calls can be counted: the side effect a refused request must not have. */
function countingTool(counter: { calls: number }) {
  return (server: McpServer) =>
    server.registerTool("count", {}, async () => {
      counter.calls += 1;
      return { content: [{ type: "text", text: String(counter.calls) }] };
    });
}

let nextId = 1;
function callCount(server: RunningServer, headers: Record<string, string>): Promise<Response> {
  return fetch(server.mcpUrl, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name: "count" } }),
  });
}

async function startLimited(
  env: Record<string, string>,
  counter: { calls: number },
  now: () => number = Date.now,
): Promise<RunningServer> {
  return startServer(env, { appOptions: { now }, deps: { extraTools: [countingTool(counter)] } });
}

const API_KEYS = { AUTH_MODE: "apikey", MCP_API_KEYS: `a:${KEY_A},b:${KEY_B}` };

describe("per-caller rate limit", () => {
  // MCP_RATE_LIMIT_PER_MINUTE=3 plus the burst allowance of 1: four requests per window.
  const allowed = 3 + burstAllowance(3);
  const counter = { calls: 0 };
  let server: RunningServer;

  beforeAll(async () => {
    server = await startLimited({ ...API_KEYS, MCP_RATE_LIMIT_PER_MINUTE: "3" }, counter);
  });
  afterAll(() => server.close());

  it("refuses a caller over its limit with 429, Retry-After and a JSON-RPC error, and runs no tool", async () => {
    for (let i = 0; i < allowed; i++)
      expect((await callCount(server, { "x-api-key": KEY_A })).status).toBe(200);
    expect(counter.calls).toBe(allowed);

    const refused = await callCount(server, { "x-api-key": KEY_A });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      jsonrpc: "2.0",
      error: {
        code: -32000,
        message: expect.stringMatching(/^Too Many Requests: more than 4 requests in 60 s/),
      },
      id: null,
    });
    expect(counter.calls).toBe(allowed);
  });

  it("leaves another caller unaffected", async () => {
    const before = counter.calls;
    expect((await callCount(server, { "x-api-key": KEY_B })).status).toBe(200);
    expect(counter.calls).toBe(before + 1);
    expect((await callCount(server, { "x-api-key": KEY_A })).status).toBe(429);
  });

  it("counts a caller by its identity, whichever header carries the key", async () => {
    expect((await callCount(server, { authorization: `Bearer ${KEY_A}` })).status).toBe(429);
  });

  it("does not limit the health endpoints", async () => {
    for (let i = 0; i < allowed * 3; i++) {
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    }
  });

  it("answers an unauthenticated request with 401, not 429: auth runs first", async () => {
    expect((await callCount(server, {})).status).toBe(401);
  });
});

describe("rate limit window", () => {
  it("keeps refusing until the caller's minute is over, then lets it in again (on a clock the test moves)", async () => {
    const counter = { calls: 0 };
    let now = Date.now();
    const server = await startLimited({ ...API_KEYS, MCP_RATE_LIMIT_PER_MINUTE: "1" }, counter, () => now);
    try {
      const allowed = 1 + burstAllowance(1);
      for (let i = 0; i < allowed; i++)
        expect((await callCount(server, { "api-key": KEY_A })).status).toBe(200);
      expect((await callCount(server, { "api-key": KEY_A })).status).toBe(429);

      now += 59_999;
      expect((await callCount(server, { "api-key": KEY_A })).status).toBe(429);
      expect(counter.calls).toBe(allowed);

      now += 1;
      expect((await callCount(server, { "api-key": KEY_A })).status).toBe(200);
      expect(counter.calls).toBe(allowed + 1);
    } finally {
      await server.close();
    }
  });

  it("keeps counting a caller whose window spans the store's rotation of idle callers", async () => {
    const counter = { calls: 0 };
    let now = Date.now();
    const server = await startLimited({ ...API_KEYS, MCP_RATE_LIMIT_PER_MINUTE: "1" }, counter, () => now);
    try {
      const allowed = 1 + burstAllowance(1);
      now += 50_000; // B starts its window late in the store's first generation
      for (let i = 0; i < allowed; i++) await callCount(server, { "x-api-key": KEY_B });
      now += 20_000; // the maps rotate on A's call; B's window has 40 s left
      await callCount(server, { "x-api-key": KEY_A });
      expect((await callCount(server, { "x-api-key": KEY_B })).status).toBe(429);
      now += 45_000; // B's window is over
      expect((await callCount(server, { "x-api-key": KEY_B })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe("AUTH_MODE=none", () => {
  it("limits the anonymous caller by its address", async () => {
    const counter = { calls: 0 };
    const server = await startLimited({ MCP_RATE_LIMIT_PER_MINUTE: "1" }, counter);
    try {
      const allowed = 1 + burstAllowance(1);
      for (let i = 0; i < allowed; i++) expect((await callCount(server, {})).status).toBe(200);
      expect((await callCount(server, {})).status).toBe(429);
      expect(counter.calls).toBe(allowed);
    } finally {
      await server.close();
    }
  });
});

describe("MCP_RATE_LIMIT_PER_MINUTE=0", () => {
  it("turns the limiter off", async () => {
    const counter = { calls: 0 };
    const server = await startLimited({ ...API_KEYS, MCP_RATE_LIMIT_PER_MINUTE: "0" }, counter);
    try {
      for (let i = 0; i < 20; i++) expect((await callCount(server, { "x-api-key": KEY_A })).status).toBe(200);
      expect(counter.calls).toBe(20);
    } finally {
      await server.close();
    }
  });
});
