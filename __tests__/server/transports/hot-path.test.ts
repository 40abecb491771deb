import { createServer as createHttpServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { createMcpServer } from "../../../server/create-mcp-server";
import { DRAIN_ABORT_ERROR } from "../../../server/lifecycle";
import { HOT_MODERN_REVISION } from "../../../server/transports/hot-path";
import { recording } from "../support/recording";
import { modernHeaders, modernRequest } from "../support/modern";
import {
  eventually,
  jsonRpcMessagesOf,
  MCP_HEADERS,
  RunningServer,
  startServer,
} from "../support/test-server";

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly messages: Record<string, unknown>[];
}

async function post(url: string | URL, headers: Record<string, string>, body: unknown): Promise<Answer> {
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0];
  return { status: response.status, contentType, messages: await jsonRpcMessagesOf(response) };
}

const LEGACY_HEADERS = { ...MCP_HEADERS, "mcp-protocol-version": "2025-06-18" };
const legacyCall = (id: number, method: string, params?: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id,
  method,
  ...(params && { params }),
});
const echo = (message: unknown) => ({ name: "echo", arguments: { message } });

/** Each case: what a client sends, once in each era where it applies. */
const CASES: Record<string, { headers: Record<string, string>; body: unknown; hot: boolean }> = {
  "2026-07-28 echo": {
    headers: modernHeaders("tools/call", "echo"),
    body: modernRequest(7, "tools/call", echo("hi")),
    hot: true,
  },
  "2026-07-28 echo with a message over the limit": {
    headers: modernHeaders("tools/call", "echo"),
    body: modernRequest(8, "tools/call", echo("x".repeat(10_001))),
    hot: true,
  },
  "2026-07-28 echo with a message of the wrong type": {
    headers: modernHeaders("tools/call", "echo"),
    body: modernRequest("s-9", "tools/call", echo(42)),
    hot: true,
  },
  "2026-07-28 tools/list": {
    headers: modernHeaders("tools/list"),
    body: modernRequest(10, "tools/list"),
    hot: true,
  },
  "2026-07-28 echo whose Mcp-Name header names another tool (refused before dispatch)": {
    headers: modernHeaders("tools/call", "whoami"),
    body: modernRequest(11, "tools/call", echo("hi")),
    hot: false,
  },
  "2026-07-28 echo with a malformed envelope (refused before dispatch)": {
    headers: modernHeaders("tools/call", "echo"),
    body: modernRequest(12, "tools/call", echo("hi"), { "io.modelcontextprotocol/clientInfo": 5 }),
    hot: false,
  },
  "2026-07-28 unknown tool": {
    headers: modernHeaders("tools/call", "nope"),
    body: modernRequest(13, "tools/call", { name: "nope", arguments: {} }),
    hot: false,
  },
  "2025 echo": { headers: LEGACY_HEADERS, body: legacyCall(20, "tools/call", echo("hi")), hot: true },
  "2025 echo with a message over the limit": {
    headers: LEGACY_HEADERS,
    body: legacyCall(21, "tools/call", echo("x".repeat(10_001))),
    hot: true,
  },
  "2025 echo without arguments": {
    headers: LEGACY_HEADERS,
    body: legacyCall(22, "tools/call", { name: "echo" }),
    hot: true,
  },
  "2025 tools/list": { headers: LEGACY_HEADERS, body: legacyCall(23, "tools/list"), hot: true },
  "2025 tools/list without a protocol version header": {
    headers: MCP_HEADERS,
    body: legacyCall(24, "tools/list"),
    hot: true,
  },
  "2025 echo naming an unsupported protocol version (refused before dispatch)": {
    headers: { ...MCP_HEADERS, "mcp-protocol-version": "1999-01-01" },
    body: legacyCall(25, "tools/call", echo("hi")),
    hot: false,
  },
};

// serverInfo and timestamps aside, an answer must be the one the SDK's own entry gives.
const comparable = (answer: Answer): Answer => JSON.parse(JSON.stringify(answer)) as Answer;

describe("the hot path answers plain tools/call and tools/list as the SDK's entry does", () => {
  let ours: RunningServer;
  let reference: Server;
  let referenceUrl: string;
  const hot = () => ours.app.mcp.endpoint!.hot.answered;

  beforeAll(async () => {
    ours = await startServer();
    // The SDK's stock entry on the same tools, no product layers: what the answers must equal.
    const handler = toNodeHandler(createMcpHandler(() => createMcpServer()));
    reference = createHttpServer((req, res) => void handler(req, res));
    reference.listen(0, "127.0.0.1");
    await new Promise((resolve) => reference.once("listening", resolve));
    referenceUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}/mcp`;
    // Servers reach the hot path after a first exchange through the SDK entry has bound them to their era.
    for (const name of ["2026-07-28 echo", "2025 echo"]) {
      const before = hot();
      for (let i = 0; i < 20 && hot() === before; i++)
        await post(ours.mcpUrl, CASES[name].headers, CASES[name].body);
      expect(hot()).toBeGreaterThan(before);
    }
  });
  afterAll(async () => {
    await ours.close();
    reference.closeAllConnections();
    await new Promise((resolve) => reference.close(resolve));
  });

  it.each(Object.keys(CASES))("%s", async (name) => {
    const { headers, body, hot: expectHot } = CASES[name];
    const before = hot();
    const answer = await post(ours.mcpUrl, headers, body);
    expect(hot() - before).toBe(expectHot ? 1 : 0);
    expect(comparable(answer)).toEqual(comparable(await post(referenceUrl, headers, body)));
  });

  it(`serves ${HOT_MODERN_REVISION}, the modern revision the SDK's entry serves`, async () => {
    const [discover] = (
      await post(ours.mcpUrl, modernHeaders("server/discover"), modernRequest(30, "server/discover"))
    ).messages as { result: { supportedVersions: string[] } }[];
    expect(discover.result.supportedVersions.filter((v) => v >= "2026")).toEqual([HOT_MODERN_REVISION]);
  });
});

/** Sends `body` until the hot path has answered one (servers reach it after a first exchange through the SDK). */
async function warm(server: RunningServer, headers: Record<string, string>, body: unknown): Promise<void> {
  const hot = server.app.mcp.endpoint!.hot;
  const before = hot.answered;
  for (let i = 0; i < 20 && hot.answered === before; i++) await post(server.mcpUrl, headers, body);
  expect(hot.answered).toBeGreaterThan(before);
}

const ERAS = {
  "2026-07-28": {
    headers: (name: string) => modernHeaders("tools/call", name),
    call: (id: number, params: Record<string, unknown>) => modernRequest(id, "tools/call", params),
  },
  "2025": {
    headers: () => LEGACY_HEADERS,
    call: (id: number, params: Record<string, unknown>) => legacyCall(id, "tools/call", params),
  },
} as const;

describe.each(Object.keys(ERAS) as (keyof typeof ERAS)[])("the hot path, %s era", (era) => {
  const { headers, call } = ERAS[era];
  let server: RunningServer;
  let finished: ReturnType<typeof recording>["finished"];
  beforeEach(async () => {
    const recorded = recording();
    finished = recorded.finished;
    server = await startServer({ MCP_SSE_HEARTBEAT_SECONDS: "1" }, { deps: recorded.deps });
    await warm(server, headers("echo"), call(1, echo("warm")));
  });
  afterEach(() => server.close());

  it("streams a slow call's progress, keepalives and result as SSE", async () => {
    const before = server.app.mcp.endpoint!.hot.answered;
    const wait = { name: "wait_with_progress", arguments: { seconds: 2 } };
    const body = call(2, wait) as { params: { _meta?: Record<string, unknown> } };
    body.params._meta = { ...body.params._meta, progressToken: "p1" };
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: headers("wait_with_progress"),
      body: JSON.stringify(body),
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(server.app.mcp.endpoint!.hot.answered - before).toBe(1);
    expect(text).toContain('"method":"notifications/progress"');
    expect(text).toContain(": keepalive");
    expect(text).toMatch(/Waited 2 seconds.*"id":2/);
  });

  it("stops the tool when the client goes away, and serves the next call on a fresh connection", async () => {
    const abort = new AbortController();
    const long = fetch(server.mcpUrl, {
      method: "POST",
      headers: headers("wait_with_progress"),
      body: JSON.stringify(call(3, { name: "wait_with_progress", arguments: { seconds: 600 } })),
      signal: abort.signal,
    }).catch((error: unknown) => error);
    await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 1);
    abort.abort();
    await long;
    await eventually(() =>
      finished.some((r) => r.isError === true && JSON.stringify(r.content).includes("Cancelled after")),
    );
    await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 0);
    const answer = await post(server.mcpUrl, headers("echo"), call(4, echo("after")));
    expect(JSON.stringify(answer.messages)).toContain('"text":"after"');
  });

  it("answers a call still running when the drain grace period ends with the drain error", async () => {
    const before = server.app.mcp.endpoint!.hot.answered;
    const long = fetch(server.mcpUrl, {
      method: "POST",
      headers: headers("wait_with_progress"),
      body: JSON.stringify(call(5, { name: "wait_with_progress", arguments: { seconds: 600 } })),
    });
    await eventually(() => server.app.mcp.lifecycle.requestsInFlight === 1);
    expect(server.app.mcp.endpoint!.hot.answered - before).toBe(1);
    expect(await server.app.mcp.lifecycle.drain(50)).toBe(false);
    const messages = await jsonRpcMessagesOf(await long);
    expect(messages).toContainEqual(expect.objectContaining({ id: 5, error: DRAIN_ABORT_ERROR }));
    expect(server.app.mcp.lifecycle.requestsInFlight).toBe(0);
  });
});
