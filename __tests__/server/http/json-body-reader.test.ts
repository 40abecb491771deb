import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import { rawExchange, requestBytes, RawAnswer } from "../../reliability/support/raw-http";
import { eventually, RunningServer, startServer } from "../support/test-server";

// The fused body reader (json-body-reader.ts) takes identity-encoded bodies with a Content-Length; every
// other body goes to body-parser. Each case sends the same bytes both ways, over real sockets, and expects
// the same answer: the fused path must not change a status, a code or a message.
const MCP: Array<[string, string]> = [
  ["Content-Type", "application/json"],
  ["Accept", "application/json, text/event-stream"],
  ["MCP-Protocol-Version", "2025-06-18"],
];

const TOOLS_LIST = `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`;
const ECHO = `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"echo","arguments":{"message":"fused-4711"}}}`;

/** The same body with a Content-Length (fused reader) and chunked (body-parser). */
function bothWays(body: Buffer): { fused: Buffer; bodyParser: Buffer } {
  const chunked = Buffer.concat([
    Buffer.from(`${body.length.toString(16)}\r\n`, "latin1"),
    body,
    Buffer.from("\r\n0\r\n\r\n", "latin1"),
  ]);
  return {
    fused: requestBytes({ headers: MCP, body }),
    bodyParser: requestBytes({
      headers: [...MCP, ["Transfer-Encoding", "chunked"]],
      body: chunked,
      omitContentLength: true,
    }),
  };
}

/** Status and the JSON-RPC messages of an answer (JSON or SSE), without per-request headers. */
function outcome(answer: RawAnswer): { status?: number; messages: unknown[] } {
  const text = answer.body.toString("utf8");
  const messages = answer.headers["content-type"]?.startsWith("text/event-stream")
    ? text
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => JSON.parse(line.slice(6)) as unknown)
    : text === ""
      ? []
      : [JSON.parse(text) as unknown];
  return { status: answer.status, messages };
}

describe("the fused JSON body reader answers as body-parser does", () => {
  let server: RunningServer;
  let port: number;
  beforeAll(async () => {
    server = await startServer({
      MCP_MAX_BODY_BYTES: "2048",
      MCP_MAX_JSON_OBJECT_KEYS: "16",
      MCP_MAX_JSON_VALUES: "100",
    });
    port = Number(new URL(server.base).port);
  });
  afterAll(() => server.close());

  const exchange = (bytes: Buffer) => rawExchange(port, bytes, 30_000).then(outcome);

  it.each([
    ["a tools/list", Buffer.from(TOOLS_LIST), 200, undefined],
    ["a tools/call", Buffer.from(ECHO), 200, undefined],
    ["a body led by a UTF-8 byte-order mark", Buffer.from(`\uFEFF${TOOLS_LIST}`), 200, undefined],
    ["malformed JSON", Buffer.from(`{"jsonrpc":"2.0","id":`), 400, -32700],
    ["whitespace only", Buffer.from(" "), 400, -32700],
    ["JSON nested 65 deep", Buffer.from(`${"[".repeat(65)}${"]".repeat(65)}`), 400, -32600],
    [
      "an object with 17 keys",
      Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])))),
      400,
      -32600,
    ],
    ["101 values", Buffer.from(`[${Array(101).fill(1).join(",")}]`), 400, -32600],
    ["a lone string", Buffer.from(`"ping"`), 400, -32600],
  ])("%s", async (_what, body, status, code) => {
    const { fused, bodyParser } = bothWays(body);
    const [viaFused, viaBodyParser] = [await exchange(fused), await exchange(bodyParser)];
    expect(viaFused).toEqual(viaBodyParser);
    expect(viaFused.status).toBe(status);
    if (code === undefined)
      expect(viaFused.messages).toEqual([expect.objectContaining({ result: expect.anything() })]);
    else
      expect(viaFused.messages).toEqual([
        expect.objectContaining({ error: expect.objectContaining({ code }) }),
      ]);
  });

  it("reads a body that arrives in several pieces", async () => {
    const body = Buffer.from(ECHO);
    const bytes = requestBytes({ headers: MCP, body });
    const headEnd = bytes.length - body.length;
    const answer = await new Promise<RawAnswer>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect(port, "127.0.0.1");
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("close", () =>
        resolve({ ...parseHead(Buffer.concat(chunks)), timedOut: false } as RawAnswer),
      );
      socket.write(bytes.subarray(0, headEnd + 10));
      setTimeout(() => socket.write(bytes.subarray(headEnd + 10, headEnd + 40)), 50);
      setTimeout(() => socket.write(bytes.subarray(headEnd + 40)), 100);
    });
    expect(answer.status).toBe(200);
    expect(answer.body.toString("utf8")).toContain("fused-4711");
  });

  it("leaves a gzip-encoded body to body-parser, which reads it", async () => {
    const answer = await exchange(
      requestBytes({ headers: [...MCP, ["Content-Encoding", "gzip"]], body: gzipSync(ECHO) }),
    );
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.messages)).toContain("fused-4711");
  });

  it("answers 413 for a Content-Length over MCP_MAX_BODY_BYTES, both ways", async () => {
    const { fused, bodyParser } = bothWays(Buffer.from(`{"pad":"${"x".repeat(3000)}"}`));
    const [viaFused, viaBodyParser] = [await exchange(fused), await exchange(bodyParser)];
    expect(viaFused).toEqual(viaBodyParser);
    expect(viaFused.status).toBe(413);
    expect(JSON.stringify(viaFused.messages)).toMatch(/MCP_MAX_BODY_BYTES/);
  });

  it("survives a client that goes away mid-body, and logs the request", async () => {
    const before = server.logLines().length;
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      const bytes = requestBytes({ headers: MCP, body: ECHO });
      socket.write(bytes.subarray(0, bytes.length - 20), () => setTimeout(() => socket.destroy(), 50));
      socket.on("close", () => resolve());
    });
    const after = await exchange(bothWays(Buffer.from(TOOLS_LIST)).fused);
    expect(after.status).toBe(200);
    await eventually(
      () =>
        server
          .logLines()
          .slice(before)
          .filter((line) => line.path === "/mcp").length === 2,
    );
  });
});

function parseHead(raw: Buffer): { status?: number; headers: Record<string, string>; body: Buffer } {
  const headEnd = raw.indexOf("\r\n\r\n");
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(raw.subarray(0, headEnd).toString("latin1"))?.[1];
  return {
    status: status === undefined ? undefined : Number(status),
    headers: {},
    body: raw.subarray(headEnd + 4),
  };
}
