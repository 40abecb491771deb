import { RawRequest, requestBytes } from "./raw-http";
import { pick } from "./seeded-random";

/** One malformed (or borderline) request and what is known about its answer in advance. */
export interface FuzzCase {
  readonly kind: string;
  readonly detail: string;
  readonly bytes: Buffer;
  /** The exact status the design gives, where it is certain. */
  readonly status?: number;
  /** The JSON-RPC error code in the body, where it is certain. */
  readonly code?: number;
  /** Node's own HTTP parser answers (431, 400) with no body and closes; nothing reaches express. */
  readonly answeredByNode?: boolean;
}

export const MAX_BODY_BYTES = 64 * 1024;
export const NODE_HEADER_LIMIT = 16 * 1024; // node --max-http-header-size default

const MCP = [
  ["Content-Type", "application/json"],
  ["Accept", "application/json, text/event-stream"],
] as const;

type Json = unknown;

function post(body: Buffer | string, headers: ReadonlyArray<readonly [string, string]> = MCP): Buffer {
  return requestBytes({ headers, body });
}

const echo = (id: Json, message: Json): Record<string, Json> => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "echo", arguments: { message } },
});
const ping = (id: Json): Record<string, Json> => ({ jsonrpc: "2.0", id, method: "ping" });

function deep(depth: number, open: string, close: string, core = "1"): string {
  return open.repeat(depth) + core + close.repeat(depth);
}

/** Builders, one per kind of malformation; each returns a case from the seeded `random`. */
const BUILDERS: ReadonlyArray<(random: () => number, n: number) => FuzzCase> = [
  function truncatedJson(random, n) {
    const full = JSON.stringify(pick(random, [echo(n, `truncate me ${n}`), ping(n), [ping(n), ping(n + 1)]]));
    const cut = 1 + Math.floor(random() * (full.length - 1));
    return {
      kind: "truncated JSON",
      detail: full.slice(0, cut),
      bytes: post(full.slice(0, cut)),
      status: 400,
      code: -32700,
    };
  },
  function wrongTypes(random, n) {
    const field = pick(random, ["jsonrpc", "id", "method", "params"] as const);
    const values: Record<typeof field, Json[]> = {
      jsonrpc: [1, 2, "1.0", "2.00", null, true, [], {}, undefined],
      id: [true, false, {}, [], [1], { id: 1 }],
      method: [1, null, true, [], {}, ["tools/call"]],
      params: ["params", 42, true, null, [], [1], { _meta: 5 }, { _meta: "x" }],
    };
    const value = pick(random, values[field]);
    const message = { ...echo(n, "typed"), [field]: value };
    return {
      kind: "wrong type",
      detail: `${field}=${JSON.stringify(value)}`,
      bytes: post(JSON.stringify(message)),
      status: 400,
      code: -32600,
    };
  },
  function wrongArgumentTypes(random, n) {
    // Envelope fine, tool arguments wrong: the SDK answers with a JSON-RPC result flagged isError, or an error.
    const params = pick(random, [
      { name: "echo", arguments: { message: pick(random, [1, null, true, [], {}, 1e308]) } },
      { name: "echo", arguments: "message" },
      { name: "echo" },
      { name: 7, arguments: {} },
      {
        name: "wait_with_progress",
        arguments: { seconds: pick(random, [0, -1, 1.5, 601, 1e308, "2", null]) },
      },
      { name: "no_such_tool", arguments: {} },
      { name: "__proto__", arguments: {} },
      { arguments: { message: "nameless" } },
    ]);
    return {
      kind: "wrong argument types",
      detail: JSON.stringify(params),
      bytes: post(JSON.stringify({ jsonrpc: "2.0", id: n, method: "tools/call", params })),
    };
  },
  function hugeNumbers(random, n) {
    const text = pick(random, [
      `{"jsonrpc":"2.0","id":1e400,"method":"ping"}`,
      `{"jsonrpc":"2.0","id":-1e400,"method":"ping"}`,
      `{"jsonrpc":"2.0","id":${"9".repeat(400)},"method":"ping"}`,
      `{"jsonrpc":"2.0","id":9007199254740991,"method":"ping"}`,
      `{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}`,
      `{"jsonrpc":"2.0","id":1e20,"method":"ping"}`,
      `{"jsonrpc":"2.0","id":1.5,"method":"ping"}`,
      `{"jsonrpc":"2.0","id":${n},"method":"ping","params":{"_meta":{"progressToken":1.5}}}`,
      `{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"echo","arguments":{"message":1e999}}}`,
      `{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"wait_with_progress","arguments":{"seconds":1e308}}}`,
      `{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"wait_with_progress","arguments":{"seconds":${"9".repeat(500)}}}}`,
      `{"jsonrpc":"2.0","id":${n},"method":"ping","params":{"_meta":{"progressToken":9007199254740991}}}`,
    ]);
    return { kind: "huge number", detail: text.slice(0, 120), bytes: post(text) };
  },
  function deepNesting(random, n) {
    const depth = 10_000;
    const where = pick(random, [
      "body array",
      "body object",
      "message",
      "meta",
      "id",
      "batch member",
    ] as const);
    const nested = {
      "body array": deep(depth, "[", "]"),
      "body object": deep(depth, '{"a":', "}"),
      message: `{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"echo","arguments":{"message":${deep(depth, "[", "]")}}}}`,
      meta: `{"jsonrpc":"2.0","id":${n},"method":"ping","params":{"_meta":${deep(depth, '{"x":', "}")}}}`,
      id: `{"jsonrpc":"2.0","id":${deep(depth, "[", "]")},"method":"ping"}`,
      "batch member": `[${JSON.stringify(ping(n))},${deep(depth, "[", "]")}]`,
    }[where];
    return { kind: "nesting 10,000 deep", detail: where, bytes: post(nested) };
  },
  function bodyAtTheLimit(random, n) {
    const over = random() < 0.75; // mostly limit+1; limit itself proves the boundary is where it says
    const skeleton = JSON.stringify(echo(n, ""));
    const message = "x".repeat(MAX_BODY_BYTES + (over ? 1 : 0) - skeleton.length);
    const body = JSON.stringify(echo(n, message));
    const chunked = over && random() < 0.3;
    const bytes = chunked
      ? requestBytes({
          headers: [...MCP, ["Transfer-Encoding", "chunked"]],
          omitContentLength: true,
          body: `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        })
      : post(body);
    return over
      ? {
          kind: "body of limit+1 bytes",
          detail: chunked ? "chunked" : "content-length",
          bytes,
          status: 413,
          code: -32000,
        }
      : { kind: "body of exactly the limit", detail: "content-length", bytes, status: 200 };
  },
  function invalidUtf8(random, n) {
    const bad = pick(random, [
      [0xff],
      [0xc3, 0x28],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0x80],
    ]);
    const inString = random() < 0.5;
    const [before, after] = inString
      ? [
          `{"jsonrpc":"2.0","id":${n},"method":"tools/call","params":{"name":"echo","arguments":{"message":"a`,
          `b"}}}`,
        ]
      : [`{"jsonrpc":"2.0","id":${n},`, `"method":"ping"}`];
    return {
      kind: "invalid UTF-8",
      detail: `${inString ? "inside a string" : "between members"}: ${Buffer.from(bad).toString("hex")}`,
      bytes: post(Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)])),
      ...(inString ? {} : { status: 400, code: -32700 }),
    };
  },
  function batches(random, n) {
    const note = { jsonrpc: "2.0", method: "notifications/initialized" };
    const choice = pick(random, [
      { detail: "empty", body: [], status: 400 },
      { detail: "numbers", body: [1, 2, 3], status: 400 },
      {
        detail: "valid and invalid",
        body: [ping(n), { jsonrpc: "1.0", id: n + 1, method: "ping" }],
        status: 400,
      },
      { detail: "101 pings", body: Array.from({ length: 101 }, (_, i) => ping(n + i)), status: 400 },
      { detail: "nested batch", body: [[ping(n)]], status: 400 },
      { detail: "request and notification", body: [ping(n), note] },
      { detail: "only notifications", body: [note, note], status: 202 },
      { detail: "two calls", body: [echo(n, "one"), echo(n + 1, "two")] },
      { detail: "duplicate ids", body: [ping(n), ping(n)] },
      { detail: "a response, not a request", body: [{ jsonrpc: "2.0", id: n, result: {} }], status: 202 },
    ]);
    return {
      kind: "batch array",
      detail: choice.detail,
      bytes: post(JSON.stringify(choice.body)),
      ...(choice.status === undefined ? {} : { status: choice.status }),
    };
  },
  function unknownMethods(random, n) {
    const method = pick(random, [
      "foo",
      "",
      "tools/unknown",
      "rpc.discover",
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "prompts/list",
      "resources/read",
      "sampling/createMessage",
      "notifications/bogus",
      "x".repeat(5000),
    ]);
    return {
      kind: "unknown method",
      detail: method.slice(0, 40),
      bytes: post(JSON.stringify({ jsonrpc: "2.0", id: n, method })),
    };
  },
  function oversizeHeaders(random) {
    const size = pick(random, [NODE_HEADER_LIMIT + 1, 20_000, 64_000, 200_000]);
    const where = pick(random, ["one header", "many headers", "url"] as const);
    const request: RawRequest =
      where === "one header"
        ? { headers: [...MCP, ["X-Big", "a".repeat(size)]], body: JSON.stringify(ping(1)) }
        : where === "many headers"
          ? {
              // The values alone pass the limit (Node counts the whole head). Fewer than maxHeadersCount
              // (2,000) headers, because past that count Node drops headers instead of refusing them.
              headers: [
                ...MCP,
                ...Array.from(
                  { length: Math.ceil(size / 190) + 1 },
                  (_, i) => [`X-H${i}`, "v".repeat(190)] as const,
                ),
              ],
              body: JSON.stringify(ping(1)),
            }
          : { path: `/mcp?${"q".repeat(size)}`, headers: MCP, body: JSON.stringify(ping(1)) };
    return {
      kind: "oversize headers",
      detail: `${where}, ${size} bytes`,
      bytes: requestBytes(request),
      status: 431,
      answeredByNode: true,
    };
  },
  function wrongContentType(random, n) {
    const [type, status] = pick(random, [
      ["text/plain", 415],
      ["application/x-www-form-urlencoded", 415],
      ["multipart/form-data; boundary=x", 415],
      ["application/json-seq", 415],
      ["application/jsonx", 415],
      ["", 415],
      ["none", 415],
      ["application/json; charset=latin1", 415],
      ["application/json; charset=utf-99", 415],
      // Only UTF-8 is read: body-parser would take any utf-* charset iconv-lite knows.
      ["application/json; charset=utf-7", 415],
      ["application/json; charset=UTF-8", 200],
    ] as const);
    const headers: Array<[string, string]> = [["Accept", "application/json, text/event-stream"]];
    if (type !== "none") headers.push(["Content-Type", type]);
    return {
      kind: "wrong content type",
      detail: type,
      bytes: post(JSON.stringify(ping(n)), headers),
      status,
    };
  },
  function wrongAccept(random, n) {
    const accept = pick(random, ["none", "application/json", "text/event-stream", "*/*", "text/html", ""]);
    const headers: Array<[string, string]> = [["Content-Type", "application/json"]];
    if (accept !== "none") headers.push(["Accept", accept]);
    return {
      kind: "missing or wrong Accept",
      detail: accept,
      bytes: post(JSON.stringify(ping(n)), headers),
      status: 406,
    };
  },
  function wrongEncoding(random, n) {
    const encoding = pick(random, ["gzip", "deflate", "br", "compress", "x-unknown"]);
    return {
      kind: "content encoding",
      detail: `${encoding} with a plain body`,
      bytes: post(JSON.stringify(ping(n)), [...MCP, ["Content-Encoding", encoding]]),
    };
  },
  function otherHttpMethods(random) {
    const method = pick(random, ["GET", "PUT", "PATCH", "DELETE"]);
    return {
      kind: "other HTTP method",
      detail: method,
      bytes: requestBytes({ method, headers: MCP, body: method === "GET" ? "" : "{}" }),
      status: 405,
    };
  },
  function badProtocolHeaders(random, n) {
    const [name, value, status] = pick(random, [
      ["MCP-Protocol-Version", "1999-01-01", 400],
      ["MCP-Protocol-Version", "", 400],
      ["Host", "evil.example", 403],
      ["Origin", "https://evil.example", 403],
      ["Origin", "null", 403],
    ] as const);
    return {
      kind: "protocol header",
      detail: `${name}: ${value}`,
      bytes: post(JSON.stringify(ping(n)), [...MCP, [name, value]]),
      status,
    };
  },
  function brokenHttp(random) {
    const raw = pick(random, [
      "GARBAGE\r\n\r\n",
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
      "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
    ]);
    return {
      kind: "broken HTTP framing",
      detail: JSON.stringify(raw.slice(0, 60)),
      bytes: Buffer.from(raw, "latin1"),
      status: 400,
      answeredByNode: true,
    };
  },
];

/** `count` cases, every kind in turn, the variant within a kind drawn from `random` (a seeded generator). */
export function malformedRequests(random: () => number, count: number): FuzzCase[] {
  return Array.from({ length: count }, (_, i) =>
    (BUILDERS[i % BUILDERS.length] as (r: () => number, n: number) => FuzzCase)(random, 10_000 + i),
  );
}
