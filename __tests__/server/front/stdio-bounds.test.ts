import { readFileSync } from "node:fs";
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { join } from "node:path";
import { KILL_GRACE_MS } from "../../../server/front/stdio-child";
import { CHILD_LOG_BURST_BYTES, CHILD_LOG_BYTES_PER_SECOND } from "../../../server/front/log-budget";
import { DRAIN_ABORT_ERROR } from "../../../server/lifecycle";
import { postRpc, resultText, toolCall } from "../support/rpc-post";
import { eventually, MCP_HEADERS, RunningServer, startServer } from "../support/test-server";

/** A stdio MCP server whose tools misbehave one way each (see the script). */
const SCRIPTED = join(__dirname, "support", "scripted-upstream.cjs");
const KEY = "alice-key-0123456789abcdef";
const AS_ALICE = { "x-api-key": KEY };
const alice = { kind: "apikey", id: "alice", scopes: [], roles: [] } as const;

function startFront(env: Record<string, string> = {}, command = [process.execPath, SCRIPTED]) {
  return startServer({
    MCP_UPSTREAM_COMMAND: JSON.stringify(command),
    AUTH_MODE: "apikey",
    MCP_API_KEYS: `alice:${KEY}`,
    PATH: process.env.PATH ?? "",
    ...env,
  });
}

function call(front: RunningServer, id: number, name: string, args: Record<string, unknown> = {}) {
  return postRpc(front.mcpUrl, toolCall(id, name, args), AS_ALICE);
}

/** Whether a process is still running (a zombie waiting for its parent to reap it is not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("stdio front: bounds on what a child writes", () => {
  let front: RunningServer;
  afterEach(async () => {
    await front.close();
  });

  it("answers pending calls with an error when a line passes MCP_UPSTREAM_MAX_LINE_BYTES, and restarts the child", async () => {
    front = await startFront({ MCP_UPSTREAM_MAX_LINE_BYTES: "65536" });
    const first = await call(front, 1, "pids");
    const { pid } = JSON.parse(resultText(first.messages[0]) as string) as { pid: number };
    const silent = call(front, 3, "silent");
    await eventually(() => front.app.mcp.lifecycle.requestsInFlight === 1);
    const [endless, waiting] = await Promise.all([
      call(front, 2, "no-newline", { bytes: 4 * 1024 * 1024 }),
      silent,
    ]);
    for (const [answer, id] of [
      [endless, 2],
      [waiting, 3],
    ] as const) {
      expect(answer.messages).toEqual([
        expect.objectContaining({
          id,
          error: expect.objectContaining({
            message: expect.stringMatching(/longer than 65536 bytes \(MCP_UPSTREAM_MAX_LINE_BYTES\)/),
          }),
        }),
      ]);
    }
    const again = await call(front, 4, "pids");
    expect(JSON.parse(resultText(again.messages[0]) as string).pid).not.toBe(pid);
    expect(running(pid)).toBe(false);
  });

  it("passes a message up to the limit whole", async () => {
    front = await startFront({ MCP_UPSTREAM_MAX_LINE_BYTES: "65536" });
    const answer = await call(front, 1, "big", { bytes: 60_000 });
    expect(resultText(answer.messages[0])).toHaveLength(60_000);
  });

  it("passes a large answer on as the child wrote it, its id mapped back, alone or in a batch", async () => {
    front = await startFront();
    const alone = await postRpc(front.mcpUrl, toolCall("big-one", "big", { bytes: 2_000_000 }), AS_ALICE);
    expect(alone.messages).toHaveLength(1);
    expect(alone.messages[0].id).toBe("big-one");
    expect(resultText(alone.messages[0])).toBe("x".repeat(2_000_000));
    const batch = await postRpc(
      front.mcpUrl,
      [
        toolCall(1, "big", { bytes: 300_000 }),
        toolCall(2, "big", { bytes: 200_000 }),
        toolCall(3, "echo", { message: "small" }),
      ],
      { ...AS_ALICE, "mcp-protocol-version": "2025-03-26" },
    );
    const byId = new Map(batch.messages.map((m) => [m.id, resultText(m)]));
    expect(byId).toEqual(
      new Map([
        [1, "x".repeat(300_000)],
        [2, "x".repeat(200_000)],
        [3, "small"],
      ]),
    );
  });

  it("stops reading the child while its caller does not read, and goes on once the caller leaves", async () => {
    front = await startFront({ MCP_SSE_HEARTBEAT_SECONDS: "60" });
    const body = JSON.stringify({ ...toolCall(1, "progress-flood", { pad: 4096 }, "flood") });
    let response: IncomingMessage | undefined;
    const req: ClientRequest = httpRequest(front.mcpUrl, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...AS_ALICE, "content-length": Buffer.byteLength(body) },
    });
    req.on("response", (res) => {
      response = res;
      res.pause(); // a caller who never reads
    });
    req.on("error", () => undefined);
    req.end(body);
    await eventually(() => front.app.mcp.front?.pool?.childOf(alice)?.held === true);
    expect(response?.headers["content-type"]).toBe("text/event-stream");
    req.destroy();
    await eventually(() => front.app.mcp.front?.pool?.childOf(alice)?.inFlight === 0);
    expect(front.app.mcp.front?.pool?.childOf(alice)?.held).toBe(false);
    const echo = await call(front, 2, "echo", { message: "still here" });
    expect(resultText(echo.messages[0])).toBe("still here");
  });

  it("logs the child's stderr within a byte budget and says how much it dropped", async () => {
    front = await startFront();
    const started = Date.now();
    const answer = await call(front, 1, "stderr-flood", { bytes: 8 * 1024 * 1024 });
    expect(resultText(answer.messages[0])).toBe("flooded");
    const seconds = (Date.now() - started) / 1000 + 1;
    await eventually(() =>
      front.logLines().some((l) => (l.dropped as { lines?: number } | undefined)?.lines !== undefined),
    );
    const logged = front
      .logLines()
      .filter((l) => l.stream === "stderr" && typeof l.msg === "string" && l.msg.startsWith("eee"))
      .reduce((sum, l) => sum + String(l.msg).length, 0);
    expect(logged).toBeLessThanOrEqual(CHILD_LOG_BURST_BYTES + CHILD_LOG_BYTES_PER_SECOND * seconds);
    expect(logged).toBeGreaterThan(0);
  });
});

describe("stdio front: stopping a child stops its whole process group", () => {
  it("sends SIGKILL to a child that ignores SIGTERM, and the drain waits for it", async () => {
    const front = await startFront({ MCP_UPSTREAM_ENV_IGNORE_SIGTERM: "1" });
    let pid = 0;
    try {
      await call(front, 1, "echo", { message: "hi" });
      pid = front.app.mcp.front?.pool?.childOf(alice)?.pid as number;
      expect(running(pid)).toBe(true);
      const started = Date.now();
      await front.close();
      expect(running(pid)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(KILL_GRACE_MS - 100);
      expect(front.logLines()).toContainEqual(expect.objectContaining({ pid, signal: "SIGKILL" }));
    } finally {
      if (running(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("kills a wrapper's children that ignore SIGTERM, and the drain waits for it", async () => {
    const wrapper = ["bash", "-c", `"${process.execPath}" "${SCRIPTED}"; true`];
    const front = await startFront(
      { MCP_UPSTREAM_ENV_IGNORE_SIGTERM: "1", MCP_UPSTREAM_ENV_GRANDCHILDREN: "3" },
      wrapper,
    );
    let pids: number[] = [];
    try {
      const answer = await call(front, 1, "pids");
      const reported = JSON.parse(resultText(answer.messages[0]) as string) as {
        pid: number;
        grandchildren: number[];
      };
      pids = [
        front.app.mcp.front?.pool?.childOf(alice)?.pid as number,
        reported.pid,
        ...reported.grandchildren,
      ];
      expect(pids.every(running)).toBe(true);
      await front.close();
      // The drain resolved after every process of the group was sent SIGKILL; a killed process still needs
      // the kernel to schedule its exit, which takes a moment on a machine whose cores are busy.
      await eventually(() => pids.filter(running).length === 0, KILL_GRACE_MS).catch(() => undefined);
      expect(pids.filter(running)).toEqual([]);
    } finally {
      for (const pid of pids.filter(running)) process.kill(pid, "SIGKILL");
    }
  });
});

describe("stdio front: every call that ends early gets a JSON-RPC error", () => {
  let front: RunningServer;
  afterEach(async () => {
    await front.close();
  });

  it("a child silent past MCP_UPSTREAM_TIMEOUT_SECONDS", async () => {
    front = await startFront({ MCP_UPSTREAM_TIMEOUT_SECONDS: "1" });
    const answer = await call(front, 7, "silent");
    expect(answer.status).toBe(200);
    expect(answer.messages).toEqual([
      expect.objectContaining({
        id: 7,
        error: expect.objectContaining({ message: expect.stringMatching(/did not answer within 1 s/) }),
      }),
    ]);
    expect(front.app.mcp.front?.pool?.childOf(alice)?.inFlight).toBe(0);
  });

  it("a call still running when the drain's grace period ends", async () => {
    front = await startFront();
    const pending = call(front, 8, "silent");
    await eventually(() => front.app.mcp.lifecycle.requestsInFlight === 1);
    expect(await front.app.mcp.lifecycle.drain(100)).toBe(false);
    const answer = await pending;
    expect(answer.messages).toEqual([expect.objectContaining({ id: 8, error: { ...DRAIN_ABORT_ERROR } })]);
  });

  it("a child that crashes", async () => {
    front = await startFront();
    const answer = await call(front, 9, "crash");
    expect(answer.messages).toEqual([
      expect.objectContaining({
        id: 9,
        error: expect.objectContaining({ message: "upstream 'node' exited (code 3) before answering" }),
      }),
    ]);
  });

  it("a call the client cancels from another POST", async () => {
    front = await startFront();
    const pending = call(front, 10, "silent");
    await eventually(() => front.app.mcp.lifecycle.requestsInFlight === 1);
    const cancel = await postRpc(
      front.mcpUrl,
      { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 10, reason: "user stop" } },
      AS_ALICE,
    );
    expect(cancel.status).toBe(202);
    expect((await pending).messages).toEqual([
      expect.objectContaining({
        id: 10,
        error: expect.objectContaining({ message: "Request cancelled: user stop" }),
      }),
    ]);
  });

  it("a batch that cancels one of its own requests closes, answering each request", async () => {
    front = await startFront();
    const answer = await postRpc(
      front.mcpUrl,
      [
        toolCall(11, "silent", {}),
        toolCall(12, "echo", { message: "kept" }),
        {
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: 11, reason: "changed my mind" },
        },
      ],
      { ...AS_ALICE, "mcp-protocol-version": "2025-03-26" },
    );
    expect(answer.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 11,
          error: expect.objectContaining({ message: "Request cancelled: changed my mind" }),
        }),
        expect.objectContaining({ id: 12, result: expect.anything() }),
      ]),
    );
    expect(answer.messages).toHaveLength(2);
  });
});

describe("stdio front: protocol version negotiation", () => {
  let front: RunningServer;
  beforeAll(async () => {
    front = await startFront();
  });
  afterAll(async () => {
    await front.close();
  });

  const initialize = (version: string) =>
    postRpc(
      front.mcpUrl,
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "old", version: "1" } },
      },
      AS_ALICE,
    );

  it.each(["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"])(
    "answers an initialize at %s with that version",
    async (version) => {
      const answer = await initialize(version);
      expect((answer.messages[0].result as { protocolVersion: string }).protocolVersion).toBe(version);
    },
  );

  it("answers a version it does not support with the latest it does", async () => {
    const answer = await initialize("1999-01-01");
    expect((answer.messages[0].result as { protocolVersion: string }).protocolVersion).toBe("2025-11-25");
  });
});
