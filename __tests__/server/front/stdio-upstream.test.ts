import { JwksServer } from "../auth/support/jwks-server";
import { APP_ID_URI, delegatedClaims, newSigningKey, signToken, TENANT_ID } from "../auth/support/tokens";
import { eventually, MCP_HEADERS, RunningServer, startServer } from "../support/test-server";
import { connectClient, EVERYTHING_STDIO_COMMAND, startLongCall, text } from "./support/upstreams";

const ALICE = "alice-key-0123456789abcdef";
const BOB = "bob-key-0123456789abcdefgh";
const AS_ALICE = { "x-api-key": ALICE };
const AS_BOB = { "x-api-key": BOB };
const alice = { kind: "apikey", id: "alice", scopes: [], roles: [] } as const;

function startFront(env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({
    MCP_UPSTREAM_COMMAND: EVERYTHING_STDIO_COMMAND,
    AUTH_MODE: "apikey",
    MCP_API_KEYS: `alice:${ALICE},bob:${BOB}`,
    MCP_UPSTREAM_ENV_GREETING: "hello from the construct",
    PATH: process.env.PATH ?? "",
    ...env,
  });
}

/** The child's environment, as server-everything's get-env tool shows it. */
async function childEnv(
  headers: Record<string, string>,
  front: RunningServer,
): Promise<Record<string, string>> {
  const client = await connectClient(front.mcpUrl, headers);
  const env = JSON.parse(text(await client.callTool({ name: "get-env", arguments: {} }))) as Record<
    string,
    string
  >;
  await client.close();
  return env;
}

describe("front mode over stdio, server-everything as the upstream", () => {
  let front: RunningServer;
  beforeEach(async () => {
    front = await startFront();
  });
  afterEach(async () => {
    await front.close();
  });

  it("answers initialize from the child's handshake, lists its tools and calls one", async () => {
    const client = await connectClient(front.mcpUrl, AS_ALICE);
    expect(client.getServerVersion()?.name).toMatch(/everything/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "get-env"]));
    expect(text(await client.callTool({ name: "echo", arguments: { message: "over stdio" } }))).toBe(
      "Echo: over stdio",
    );
    await client.close();
  });

  it("streams progress of a long call as SSE", async () => {
    const client = await connectClient(front.mcpUrl, AS_ALICE);
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 0.6, steps: 3 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(progress).toEqual([1, 2, 3]);
    expect(text(result)).toMatch(/completed/);
    await client.close();
  });

  it("keeps two callers apart: one child each, each told who it serves, none told our secrets", async () => {
    const envAlice = await childEnv(AS_ALICE, front);
    const envBob = await childEnv(AS_BOB, front);
    expect(envAlice.MCP_CALLER_ID).toBe("alice");
    expect(envBob.MCP_CALLER_ID).toBe("bob");
    // An API-key caller's name is its key label: the upstream gets a readable name, never the key.
    expect(envAlice.MCP_CALLER_NAME).toBe("alice");
    expect(front.app.mcp.front?.pool?.size).toBe(2);
    expect(front.app.mcp.front?.pool?.childOf(alice)?.pid).not.toBe(
      front.app.mcp.front?.pool?.childOf({ ...alice, id: "bob" })?.pid,
    );
    expect(envAlice.GREETING).toBe("hello from the construct");
    expect(JSON.stringify(envAlice)).not.toContain(ALICE);
    expect(envAlice.MCP_API_KEYS).toBeUndefined();
    // The same caller comes back to the same child.
    const pid = front.app.mcp.front?.pool?.childOf(alice)?.pid;
    await childEnv(AS_ALICE, front);
    expect(front.app.mcp.front?.pool?.childOf(alice)?.pid).toBe(pid);
  });

  it("sends the child's stderr to the logs, tagged with the upstream and caller", async () => {
    await childEnv(AS_ALICE, front);
    await eventually(() =>
      front
        .logLines()
        .some((l) => l.stream === "stderr" && l.callerId === "alice" && /STDIO/.test(String(l.msg))),
    );
  });

  it("answers pending calls with an error when the child crashes, and restarts it on the next call", async () => {
    const client = await connectClient(front.mcpUrl, AS_ALICE);
    const { call } = await startLongCall(client, 30);
    const first = front.app.mcp.front?.pool?.childOf(alice)?.pid as number;
    process.kill(first, "SIGKILL");
    const error = await call;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/upstream 'node' exited \(signal SIGKILL\) before answering/);
    expect(text(await client.callTool({ name: "echo", arguments: { message: "again" } }))).toBe(
      "Echo: again",
    );
    const second = front.app.mcp.front?.pool?.childOf(alice)?.pid;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    await client.close();
  });

  it("cancels in the child when the client aborts", async () => {
    const client = await connectClient(front.mcpUrl, AS_ALICE);
    const abort = new AbortController();
    const { call } = await startLongCall(client, 30, abort.signal);
    expect(front.app.mcp.front?.pool?.childOf(alice)?.inFlight).toBe(1);
    abort.abort("user cancelled");
    expect(await call).toBeInstanceOf(Error);
    await eventually(() => front.app.mcp.front?.pool?.childOf(alice)?.inFlight === 0);
    await eventually(() => front.app.mcp.lifecycle.requestsInFlight === 0);
    await client.close();
  });

  it("drains with a call in flight: new calls get 503, the running one finishes, then the children stop", async () => {
    const client = await connectClient(front.mcpUrl, AS_ALICE);
    const { call } = await startLongCall(client, 2);
    const drained = front.app.mcp.lifecycle.drain(20_000);
    const refused = await fetch(front.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...AS_BOB },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(refused.status).toBe(503);
    expect(text(await call)).toMatch(/completed/);
    expect(await drained).toBe(true);
    expect(front.app.mcp.front?.pool?.size).toBe(0);
    await client.close();
  });

  it("refuses a 2026-07-28 request with UnsupportedProtocolVersionError naming the child's version", async () => {
    const response = await fetch(front.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...AS_ALICE, "mcp-protocol-version": "2026-07-28" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 4, method: "server/discover", params: {} }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      id: 4,
      error: { code: -32022, data: { supported: ["2025-11-25"], requested: "2026-07-28" } },
    });
  });

  it("enforces auth at the front: no key, no child", async () => {
    const response = await fetch(front.mcpUrl, {
      method: "POST",
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
    expect(front.app.mcp.front?.pool?.size).toBe(0);
  });

  it("reports the command in /readyz", async () => {
    expect(await (await fetch(`${front.base}/readyz`)).json()).toMatchObject({ checks: { upstream: "ok" } });
  });
});

describe("front mode over stdio, limits", () => {
  it("refuses a new caller with 503 and Retry-After while every child slot is busy", async () => {
    const front = await startFront({ MCP_UPSTREAM_MAX_CHILDREN: "1" });
    try {
      const client = await connectClient(front.mcpUrl, AS_ALICE);
      const { call } = await startLongCall(client, 2);
      const refused = await fetch(front.mcpUrl, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...AS_BOB },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("5");
      expect(await refused.text()).toContain("MCP_UPSTREAM_MAX_CHILDREN=1");
      await call;
      // Once Alice's child is idle, Bob's call takes its slot.
      const bob = await connectClient(front.mcpUrl, AS_BOB);
      await bob.listTools();
      expect(front.app.mcp.front?.pool?.size).toBe(1);
      await Promise.all([client.close(), bob.close()]);
    } finally {
      await front.close();
    }
  });

  it("stops a child that stays idle past MCP_UPSTREAM_IDLE_SECONDS", async () => {
    const front = await startFront({ MCP_UPSTREAM_IDLE_SECONDS: "1" });
    try {
      await childEnv(AS_ALICE, front);
      expect(front.app.mcp.front?.pool?.size).toBe(1);
      await eventually(() => front.app.mcp.front?.pool?.size === 0, 5000);
    } finally {
      await front.close();
    }
  });

  it("answers 502 naming the upstream when the command cannot start, and /readyz fails", async () => {
    const front = await startFront({ MCP_UPSTREAM_COMMAND: "no-such-mcp-server --stdio" });
    try {
      const response = await fetch(front.mcpUrl, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...AS_ALICE },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: { message: /upstream 'no-such-mcp-server'/ } });
      expect((await fetch(`${front.base}/readyz`)).status).toBe(503);
    } finally {
      await front.close();
    }
  });
});

describe("front mode over stdio with Entra ID callers", () => {
  it("tells the child a caller's UPN as MCP_CALLER_NAME when the token has no display name", async () => {
    const key = await newSigningKey("k1");
    const jwks = new JwksServer([key.jwk]);
    await jwks.start();
    const front = await startFront({
      AUTH_MODE: "entra",
      AZURE_TENANT_ID: TENANT_ID,
      MCP_AUDIENCE: APP_ID_URI,
      AUTH_JWKS_URI: jwks.uri,
    });
    try {
      const token = await signToken(delegatedClaims({ name: undefined }), key);
      const env = await childEnv({ authorization: `Bearer ${token}` }, front);
      expect(env.MCP_CALLER_ID).toBe("00000000-0000-0000-0000-0000000000a1");
      // The same name x-mcp-caller-name carries toward an HTTP upstream.
      expect(env.MCP_CALLER_NAME).toBe("ada@contoso.example");
    } finally {
      await front.close();
      await jwks.stop();
    }
  });
});
