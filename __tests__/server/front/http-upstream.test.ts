import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { callerHeaders } from "../../../server/front/caller-headers";
import { recording } from "../support/recording";
import { callUntilProgress } from "../support/long-call";
import { eventually, INITIALIZE, MCP_HEADERS, RunningServer, startServer } from "../support/test-server";
import {
  connectClient,
  startLongCall,
  text,
  EverythingHttp,
  freePort,
  startEverythingHttp,
  startRecordingUpstream,
} from "./support/upstreams";

const KEY = "front-key-0123456789abcdef";
const OTHER_KEY = "other-key-0123456789abcdef";

describe("front mode over HTTP, server-everything as the upstream", () => {
  let everything: EverythingHttp;
  let front: RunningServer;

  beforeAll(async () => {
    everything = await startEverythingHttp();
    front = await startServer({
      MCP_UPSTREAM_URL: everything.url,
      AUTH_MODE: "apikey",
      MCP_API_KEYS: `alice:${KEY},mallory:${OTHER_KEY}`,
      MCP_SSE_HEARTBEAT_SECONDS: "1",
    });
  });
  afterAll(async () => {
    await front.close();
    await everything.stop();
  });

  it("lists the upstream's tools and calls one, in a 2025-era session carried through the front", async () => {
    const client = await connectClient(front.mcpUrl, { "x-api-key": KEY });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["echo", "trigger-long-running-operation"]),
    );
    expect(tools.map((t) => t.name)).not.toContain("whoami"); // our own tools are not mounted
    expect(text(await client.callTool({ name: "echo", arguments: { message: "through the front" } }))).toBe(
      "Echo: through the front",
    );
    await client.close();
  });

  it("streams progress through, with the front's heartbeats on a quiet stream", async () => {
    const client = await connectClient(front.mcpUrl, { "x-api-key": KEY });
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 2.5, steps: 2 } },
      undefined,
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(progress).toEqual([1, 2]);
    expect(text(result)).toMatch(/completed/);
    await client.close();
  });

  it("adds heartbeats between the upstream's events, never inside one", async () => {
    const client = await connectClient(front.mcpUrl, { "x-api-key": KEY });
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId as string;
    const response = await fetch(front.mcpUrl, {
      method: "POST",
      headers: {
        ...MCP_HEADERS,
        "x-api-key": KEY,
        "mcp-session-id": sessionId,
        "mcp-protocol-version": "2025-11-25",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "trigger-long-running-operation", arguments: { duration: 2.5, steps: 1 } },
      }),
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const body = await response.text();
    expect(body).toContain(": keepalive\n\n");
    // The upstream's SDK opens with a priming event (an id, empty data); only the answer carries data.
    const events = body.split("\n\n").filter((e) => /data: \S/.test(e));
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].replace(/^[\s\S]*data: /, ""))).toMatchObject({ id: 7, result: {} });
    await client.close();
  });

  it("enforces auth at the front: no key, no upstream", async () => {
    const response = await fetch(front.mcpUrl, {
      method: "POST",
      headers: MCP_HEADERS,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("keeps each upstream session to the caller that opened it", async () => {
    const client = await connectClient(front.mcpUrl, { "x-api-key": KEY });
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId as string;
    const asOther = async (key: string) =>
      fetch(front.mcpUrl, {
        method: "POST",
        headers: {
          ...MCP_HEADERS,
          "x-api-key": key,
          "mcp-session-id": sessionId,
          "mcp-protocol-version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/list" }),
      });
    const stolen = await asOther(OTHER_KEY);
    expect(stolen.status).toBe(404);
    expect(await stolen.json()).toMatchObject({ error: { code: -32001, message: /Session not found/ } });
    expect((await asOther(KEY)).status).toBe(200);
    await client.listTools(); // the owner's session is untouched
    await client.close();
  });

  it("reports the upstream in /readyz, and a crashed upstream fails the call with an error naming it", async () => {
    expect(await (await fetch(`${front.base}/readyz`)).json()).toMatchObject({ checks: { upstream: "ok" } });
    const client = await connectClient(front.mcpUrl, { "x-api-key": KEY });
    const { call } = await startLongCall(client, 30);
    await everything.stop();
    const error = await call;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`upstream ${everything.url}`);
    const ready = await fetch(`${front.base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { upstream: "failing" } });
    await client.close().catch(() => undefined);
  });
});

describe("front mode over HTTP, what the upstream sees", () => {
  it("gets the caller as x-mcp-caller-* headers, never the key, a cookie or a forged identity", async () => {
    const upstream = await startRecordingUpstream();
    const front = await startServer({
      MCP_UPSTREAM_URL: upstream.url,
      AUTH_MODE: "apikey",
      MCP_API_KEYS: `alice:${KEY}`,
    });
    try {
      const opened = await fetch(front.mcpUrl, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY}` },
        body: JSON.stringify(INITIALIZE),
      });
      expect(opened.headers.get("mcp-session-id")).toBe("s-1");
      const response = await fetch(front.mcpUrl, {
        method: "POST",
        headers: {
          ...MCP_HEADERS,
          authorization: `Bearer ${KEY}`,
          cookie: "session=secret",
          "x-mcp-caller-id": "someone-else",
          "mcp-protocol-version": "2025-11-25",
          "mcp-session-id": "s-1",
          "mcp-method": "tools/call",
          "mcp-name": "echo",
          "x-custom": "hop",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "echo" } }),
      });
      expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 3, result: { ok: true } });
      expect(response.headers.get("set-cookie")).toBeNull();
      const seen = upstream.requests[1];
      expect(seen.headers).toMatchObject({
        "x-mcp-caller-id": "alice",
        "x-mcp-caller-name": "alice",
        "x-mcp-caller-kind": "apikey",
        "mcp-protocol-version": "2025-11-25",
        "mcp-session-id": "s-1",
        "mcp-method": "tools/call",
        "mcp-name": "echo",
      });
      for (const dropped of ["authorization", "cookie", "x-custom", "api-key", "x-api-key"]) {
        expect(seen.headers[dropped]).toBeUndefined();
      }
      expect(JSON.stringify(seen)).not.toContain(KEY);
      expect(JSON.parse(seen.body)).toEqual({
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "echo" },
      });
    } finally {
      await front.close();
      await upstream.close();
    }
  });

  it("relays the body's bytes as the client sent them, not a re-serialisation of its parse", async () => {
    const upstream = await startRecordingUpstream();
    const front = await startServer({
      MCP_UPSTREAM_URL: upstream.url,
      AUTH_MODE: "apikey",
      MCP_API_KEYS: `alice:${KEY}`,
    });
    try {
      // Spacing and a key order JSON.stringify of the parsed body would not give back.
      const sent =
        '{ "params": { "name": "echo", "arguments": { "message": "\\u00e9" } },\n  "method": "tools/call", "id": 4, "jsonrpc": "2.0" }';
      const response = await fetch(front.mcpUrl, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY}`, "mcp-protocol-version": "2025-11-25" },
        body: sent,
      });
      expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 4, result: { ok: true } });
      expect(upstream.requests.at(-1)?.body).toBe(sent);
    } finally {
      await front.close();
      await upstream.close();
    }
  });

  it("percent-encodes identity values, so any display name survives as a header", () => {
    const headers = callerHeaders({
      kind: "entra",
      id: "oid-1",
      name: 'Zoë "Z" Ünal',
      scopes: [],
      roles: [],
    });
    expect(headers["x-mcp-caller-name"]).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeURIComponent(headers["x-mcp-caller-name"])).toBe('Zoë "Z" Ünal');
  });

  it("answers 504 naming the upstream when it stays silent past MCP_UPSTREAM_TIMEOUT_SECONDS", async () => {
    const upstream = await startRecordingUpstream(() => undefined); // never answers
    const front = await startServer({ MCP_UPSTREAM_URL: upstream.url, MCP_UPSTREAM_TIMEOUT_SECONDS: "1" });
    try {
      const started = Date.now();
      const response = await fetch(front.mcpUrl, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(504);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toContain(`upstream ${upstream.url} did not answer within 1 s`);
      expect(Date.now() - started).toBeLessThan(5000);
      // The abandoned request is cancelled upstream too.
      await eventually(() => upstream.requests.some((r) => r.body.includes("notifications/cancelled")));
      expect(front.app.mcp.lifecycle.requestsInFlight).toBe(0);
      // A GET stream that never opens times out the same way.
      const stream = await fetch(front.mcpUrl, {
        headers: { accept: "text/event-stream" },
      });
      expect(stream.status).toBe(504);
    } finally {
      await front.close();
      await upstream.close();
    }
  });

  it("answers 502 naming the upstream when nothing listens there", async () => {
    const url = `http://127.0.0.1:${await freePort()}/mcp`;
    const front = await startServer({ MCP_UPSTREAM_URL: url });
    try {
      const response = await fetch(front.mcpUrl, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({
        error: { code: -32000, message: `upstream ${url} is unreachable or failed (ECONNREFUSED)` },
      });
      expect((await fetch(`${front.base}/readyz`)).status).toBe(503);
    } finally {
      await front.close();
    }
  });

  it("does not relay the legacy /sse transport", async () => {
    const upstream = await startRecordingUpstream();
    const front = await startServer({ MCP_UPSTREAM_URL: upstream.url });
    try {
      const response = await fetch(`${front.base}/sse`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("only Streamable HTTP at /mcp");
      expect(upstream.requests).toHaveLength(0);
    } finally {
      await front.close();
      await upstream.close();
    }
  });
});

describe("front mode over HTTP, our own server as the upstream", () => {
  it("passes a cancel on: the client aborts, the upstream tool stops", async () => {
    const { deps, finished } = recording();
    const upstream = await startServer({}, { deps });
    const front = await startServer({ MCP_UPSTREAM_URL: upstream.mcpUrl.href });
    try {
      const client = new Client({ name: "cancel", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(front.mcpUrl));
      const abort = new AbortController();
      const { call } = await callUntilProgress(
        client,
        { name: "wait_with_progress", arguments: { seconds: 600 } },
        abort.signal,
      );
      expect(upstream.app.mcp.lifecycle.requestsInFlight).toBe(1);
      abort.abort("user cancelled");
      expect(await call).toBeInstanceOf(Error);
      await eventually(() => finished.some((r) => JSON.stringify(r.content).includes("Cancelled after")));
      await eventually(() => upstream.app.mcp.lifecycle.requestsInFlight === 0);
      await eventually(() => front.app.mcp.lifecycle.requestsInFlight === 0);
      await client.close();
    } finally {
      await front.close();
      await upstream.close();
    }
  });

  it("drains with calls in flight: new calls get 503, the running one finishes", async () => {
    const upstream = await startServer();
    const front = await startServer({ MCP_UPSTREAM_URL: upstream.mcpUrl.href });
    try {
      const client = new Client({ name: "drain", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(front.mcpUrl));
      let progressed = false;
      const call = client.callTool({ name: "wait_with_progress", arguments: { seconds: 2 } }, undefined, {
        onprogress: () => (progressed = true),
      });
      await eventually(() => progressed);
      expect(front.app.mcp.lifecycle.requestsInFlight).toBe(1);
      const drained = front.app.mcp.lifecycle.drain(20_000);
      const refused = await fetch(front.mcpUrl, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
      });
      expect(refused.status).toBe(503);
      expect(text(await call)).toMatch(/2/);
      expect(await drained).toBe(true);
      await client.close();
    } finally {
      await front.close();
      await upstream.close();
    }
  });
});
