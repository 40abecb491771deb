import { createServer as createHttpServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { createServer } from "../../../server/create-server";
import { HOT_MODERN_REVISION } from "../../../server/transports/hot-path";
import { modernHeaders, modernRequest } from "../support/modern";
import { jsonRpcMessagesOf, MCP_HEADERS, RunningServer, startServer } from "../support/test-server";

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
    const handler = toNodeHandler(createMcpHandler(() => createServer()));
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
