import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { AddressInfo } from "node:net";
import { eventually, RunningServer, startServer } from "../server/support/test-server";
import { FuzzCase, malformedRequests, MAX_BODY_BYTES } from "./support/malformed-requests";
import { RawAnswer, rawExchange } from "./support/raw-http";
import { LIVELOCK_MS, withoutStall } from "./support/progress";
import { seededRandom } from "./support/seeded-random";

const SEED = 20_250_107;
const COUNT = 1000;
const CONCURRENCY = 8;
// A hang detector, not a performance bound: an answer that never comes fails the case.
const PER_REQUEST_TIMEOUT_MS = 10_000;

type Json = Record<string, unknown>;

function isErrorObject(error: unknown): boolean {
  const e = error as Json | null;
  return typeof e === "object" && e !== null && Number.isInteger(e.code) && typeof e.message === "string";
}

function isJsonRpcResponse(message: unknown): boolean {
  const m = message as Json | null;
  if (typeof m !== "object" || m === null || m.jsonrpc !== "2.0") return false;
  const validId = typeof m.id === "string" || typeof m.id === "number" || m.id === null;
  return validId && (("result" in m && !("error" in m)) || isErrorObject(m.error));
}

function sseMessages(body: string): unknown[] {
  return body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as unknown);
}

/** The JSON body the case sent, when it has one that parses. */
function sentBody(sent: FuzzCase): unknown {
  try {
    return JSON.parse(sent.bytes.subarray(sent.bytes.indexOf("\r\n\r\n") + 4).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** Ids of the JSON-RPC requests (method and a string or number id) in a body or batch. */
function requestIds(body: unknown): unknown[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages
    .filter((m): m is Json => typeof m === "object" && m !== null && typeof (m as Json).method === "string")
    .map((m) => m.id)
    .filter((id) => typeof id === "string" || typeof id === "number");
}

/** A 200 must answer the requests that were sent: every response id is one of theirs. */
function answersItsOwnRequests(sent: FuzzCase, messages: unknown[]): string | undefined {
  const ids = requestIds(sentBody(sent));
  const foreign = messages.map((m) => (m as Json).id).filter((id) => id !== null && !ids.includes(id));
  return foreign.length === 0
    ? undefined
    : `answered ids ${JSON.stringify(foreign)}, sent ${JSON.stringify(ids)}`;
}

/** Why `answer` is not an acceptable answer to `sent`, or undefined when it is. */
function problemWith(sent: FuzzCase, answer: RawAnswer): string | undefined {
  if (answer.timedOut) return "no answer in time (hang)";
  if (answer.status === undefined)
    return `connection closed without a response (${answer.socketError ?? "EOF"})`;
  if (sent.status !== undefined && answer.status !== sent.status)
    return `status ${answer.status}, expected ${sent.status}`;
  const type = answer.headers["content-type"] ?? "";
  const text = answer.body.toString("utf8");
  try {
    if (answer.status === 202) {
      // 202 means "nothing to answer": wrong when a request with an id was accepted (its caller would hang).
      if (requestIds(sentBody(sent)).length > 0) return "202 for a request with an id";
      return text === "" ? undefined : "202 with a body";
    }
    if (answer.status === 200 && type.startsWith("application/json")) {
      const parsed = JSON.parse(text) as unknown;
      const messages = Array.isArray(parsed) ? parsed : [parsed];
      return messages.length > 0 && messages.every(isJsonRpcResponse)
        ? answersItsOwnRequests(sent, messages)
        : `200 but not JSON-RPC: ${text.slice(0, 200)}`;
    }
    if (answer.status === 200 && type.startsWith("text/event-stream")) {
      const messages = sseMessages(text);
      return messages.length > 0 && messages.every(isJsonRpcResponse)
        ? answersItsOwnRequests(sent, messages)
        : `SSE but not JSON-RPC: ${text.slice(0, 200)}`;
    }
    if (answer.status >= 400 && answer.status < 600) {
      // Node's parser refuses these before express sees them: bare status line, Connection: close, no body.
      if (sent.answeredByNode) {
        return text === "" && answer.headers.connection === "close"
          ? undefined
          : `Node-level error with ${text}`;
      }
      const body = JSON.parse(text) as Json;
      if (body.jsonrpc !== "2.0" || !isErrorObject(body.error) || !("id" in body))
        return `error body not JSON-RPC: ${text}`;
      if (sent.code !== undefined && (body.error as Json).code !== sent.code) {
        return `error code ${String((body.error as Json).code)}, expected ${sent.code}`;
      }
      return undefined;
    }
    return `unexpected status ${answer.status}`;
  } catch {
    return `unparseable ${answer.status} body (${type}): ${text.slice(0, 200)}`;
  }
}

describe("fuzz: 1,000 malformed requests to POST /mcp", () => {
  let server: RunningServer;
  beforeAll(async () => {
    // One anonymous caller sends all 1,000; the per-caller limiter has its own tests.
    server = await startServer({
      LOG_LEVEL: "warn",
      MCP_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      MCP_RATE_LIMIT_PER_MINUTE: "0",
    });
  });
  afterAll(() => server.close());

  it(
    "answers every one with a well-formed HTTP or JSON-RPC error (or result), then still serves",
    async () => {
      const cases = malformedRequests(seededRandom(SEED), COUNT);
      const port = (server.http.address() as AddressInfo).port;
      const problems: string[] = [];
      const internalErrors: string[] = [];
      const kindsSent = new Set<string>();
      let next = 0;
      let answered = 0;
      // No time budget for the whole run (a busy machine slows it): it fails if answers stop coming.
      const exchanges = Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < cases.length) {
            const index = next++;
            const sent = cases[index] as FuzzCase;
            const answer = await rawExchange(port, sent.bytes, PER_REQUEST_TIMEOUT_MS);
            const label = `#${index} ${sent.kind} (${sent.detail.slice(0, 80)})`;
            const problem = problemWith(sent, answer);
            if (problem) problems.push(`${label}: ${problem}`);
            if (answer.status !== undefined && answer.status >= 500) {
              internalErrors.push(`${label}: ${answer.status} ${answer.body.toString("utf8").slice(0, 200)}`);
            }
            kindsSent.add(sent.kind);
            answered++;
          }
        }),
      );
      await withoutStall(exchanges, () => answered, "the malformed requests");

      expect(problems).toEqual([]);
      // Malformed input is the client's fault: never a 5xx.
      expect(internalErrors).toEqual([]);
      // Every kind of malformation was actually sent.
      expect([...kindsSent].sort()).toEqual([
        "batch array",
        "body of exactly the limit",
        "body of limit+1 bytes",
        "broken HTTP framing",
        "content encoding",
        "huge number",
        "invalid UTF-8",
        "missing or wrong Accept",
        "nesting 10,000 deep",
        "other HTTP method",
        "oversize headers",
        "protocol header",
        "truncated JSON",
        "unknown method",
        "wrong argument types",
        "wrong content type",
        "wrong type",
      ]);

      // Still alive and still correct afterwards, with nothing left counted open.
      const health = await fetch(`${server.base}/healthz`);
      expect(health.status).toBe(200);
      const client = new Client({ name: "after-fuzz", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(server.mcpUrl));
      expect((await client.callTool({ name: "echo", arguments: { message: "still here" } })).content).toEqual(
        [{ type: "text", text: "still here" }],
      );
      await client.close();
      await eventually(
        () =>
          server.app.mcp.lifecycle.requestsInFlight === 0 && server.app.mcp.lifecycle.openConnections === 0,
      );
      expect(server.logLines().filter((line) => Number(line.level) >= 50)).toEqual([]);
    },
    LIVELOCK_MS,
  );

  // Found by this fuzzer: the envelope check once passed messages the SDK does not recognise as requests
  // (an id or progressToken that is not a safe integer, params that are not an object), which were then
  // answered 202 with no body while the caller waited forever.
  it.each([
    ["a fractional id", `{"jsonrpc":"2.0","id":1.5,"method":"ping"}`],
    ["an id beyond the safe integers", `{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}`],
    ["an id in exponent form", `{"jsonrpc":"2.0","id":1e20,"method":"ping"}`],
    ["array params", `{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}`],
    ["a _meta that is not an object", `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":5}}`],
    [
      "a fractional progressToken",
      `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"progressToken":1.5}}}`,
    ],
  ])("answers a request with %s 400 -32600 instead of an empty 202", async (what, body) => {
    const response = await fetch(server.mcpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body,
    });
    expect(response.status).toBe(400);
    // A usable id is echoed, so the client waiting on it gets its answer; an unusable one cannot be.
    const id = /\bid\b/.test(what) ? null : 1;
    expect(await response.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32600 }, id });
  });
});
