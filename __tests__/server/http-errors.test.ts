import { INITIALIZE, MCP_HEADERS, RunningServer, startServer } from "./support/test-server";

interface JsonRpcErrorBody {
  jsonrpc: string;
  error: { code: number; message: string };
  id: number | null;
}

async function expectJsonRpcError(
  response: Response,
  status: number,
  code: number,
  message: RegExp,
  id: number | null = null,
): Promise<void> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as JsonRpcErrorBody;
  expect(body).toEqual({
    jsonrpc: "2.0",
    error: { code, message: expect.stringMatching(message) },
    id,
  });
}

describe("bad HTTP input on /mcp", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      MCP_MAX_BODY_BYTES: "2048",
      MCP_ALLOWED_ORIGINS: "https://app.example.com",
    });
  });
  afterEach(async () => {
    // The server stays up and keeps answering real requests after every bad one.
    const health = await fetch(`${server.base}/healthz`);
    expect(health.status).toBe(200);
    const ok = await fetch(server.mcpUrl, {
      method: "POST",
      headers: MCP_HEADERS,
      body: JSON.stringify(INITIALIZE),
    });
    expect(ok.status).toBe(200);
  });
  afterAll(() => server.close());

  const post = (body: string, headers: Record<string, string> = MCP_HEADERS): Promise<Response> =>
    fetch(server.mcpUrl, { method: "POST", headers, body });

  it("answers 413 for a body over MCP_MAX_BODY_BYTES", async () => {
    const big = JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, pad: "x".repeat(4096) } });
    await expectJsonRpcError(await post(big), 413, -32000, /MCP_MAX_BODY_BYTES/);
  });

  it("answers 400 with -32700 for malformed JSON", async () => {
    await expectJsonRpcError(await post('{"jsonrpc": "2.0", '), 400, -32700, /Parse error/);
  });

  it("answers 400 with -32600 for JSON that is not JSON-RPC", async () => {
    await expectJsonRpcError(await post('{"hello": "world"}'), 400, -32600, /not a JSON-RPC/);
    await expectJsonRpcError(await post("42"), 400, -32600, /not a JSON-RPC/);
    await expectJsonRpcError(await post("[]"), 400, -32600, /not a JSON-RPC/);
    await expectJsonRpcError(
      await post('{"jsonrpc": "1.0", "id": 1, "method": "ping"}'),
      400,
      -32600,
      /not a JSON-RPC/,
      1,
    );
    await expectJsonRpcError(
      await post('{"jsonrpc": "2.0", "id": {}, "method": "ping"}'),
      400,
      -32600,
      /not a JSON-RPC/,
    );
    await expectJsonRpcError(
      await post('[{"jsonrpc": "2.0", "method": "ping"}, 3]'),
      400,
      -32600,
      /not a JSON-RPC/,
    );
  });

  it("answers 400 with -32600 for JSON nested deeper than 64 levels, and takes 64", async () => {
    const nested = (depth: number): string =>
      JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping", params: { _meta: { x: "PLACE" } } }).replace(
        '"PLACE"',
        "[".repeat(depth - 3) + "]".repeat(depth - 3),
      );
    await expectJsonRpcError(await post(nested(65)), 400, -32600, /nested deeper than 64 levels/);
    // Brackets inside strings are text, not nesting.
    const inString = JSON.stringify({
      jsonrpc: "2.0",
      id: 9,
      method: "ping",
      params: { s: "[".repeat(500) },
    });
    expect((await post(inString)).status).toBe(200);
    expect((await post(nested(64))).status).toBe(200);
  });

  it("answers 415 for a content type other than JSON", async () => {
    const response = await post(JSON.stringify(INITIALIZE), { ...MCP_HEADERS, "content-type": "text/plain" });
    await expectJsonRpcError(response, 415, -32000, /Content-Type must be application\/json/);
  });

  it("answers 406 when Accept does not list both JSON and SSE", async () => {
    const response = await post(JSON.stringify(INITIALIZE), { ...MCP_HEADERS, accept: "application/json" });
    await expectJsonRpcError(response, 406, -32000, /text\/event-stream/);
  });

  it("answers 400 for an unsupported MCP-Protocol-Version", async () => {
    const response = await post(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping" }), {
      ...MCP_HEADERS,
      "mcp-protocol-version": "1999-01-01",
    });
    await expectJsonRpcError(response, 400, -32000, /1999-01-01/);
  });

  it.each(["GET", "DELETE", "PUT"])(
    "answers %s with 405, an Allow header and a JSON-RPC error in stateless mode",
    async (method) => {
      const response = await fetch(server.mcpUrl, { method, headers: { accept: "text/event-stream" } });
      expect(response.headers.get("allow")).toBe("POST");
      await expectJsonRpcError(response, 405, -32000, /Method Not Allowed/);
    },
  );

  it("refuses a Host outside the allow-list with 403 (DNS rebinding)", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        server.mcpUrl,
        { method: "POST", headers: { ...MCP_HEADERS, host: "evil.example.com" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(INITIALIZE));
    });
    expect(status).toBe(403);
  });

  it("refuses a foreign Origin with 403, and accepts listed and loopback origins", async () => {
    const body = JSON.stringify(INITIALIZE);
    await expectJsonRpcError(
      await post(body, { ...MCP_HEADERS, origin: "https://evil.example.com" }),
      403,
      -32000,
      /evil\.example\.com/,
    );
    expect((await post(body, { ...MCP_HEADERS, origin: "https://app.example.com" })).status).toBe(200);
    expect((await post(body, { ...MCP_HEADERS, origin: "http://localhost:6274" })).status).toBe(200);
  });
});

describe("health endpoints", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ MCP_ALLOWED_HOSTS: "mcp.example.com" });
  });
  afterAll(() => server.close());

  it("/healthz reports status, version and uptime, whatever the Host header", async () => {
    const response = await fetch(`${server.base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      uptimeSeconds: expect.any(Number),
    });
  });

  it("/readyz is 200 when ready, 503 degraded when a check fails, and names checks but no configuration", async () => {
    let keysCached = true;
    server.app.mcp.readiness.add("jwks", () => keysCached);
    const ready = await fetch(`${server.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { auth: "ok", jwks: "ok" } });
    keysCached = false;
    const degraded = await fetch(`${server.base}/readyz`);
    expect(degraded.status).toBe(503);
    const text = await degraded.text();
    expect(JSON.parse(text)).toEqual({ status: "degraded", checks: { auth: "ok", jwks: "failing" } });
    expect(text).not.toMatch(/example\.com/);
  });
});

describe("MCP_LEGACY_SSE=false", () => {
  it("answers /sse and /messages with 404 and a JSON error pointing to /mcp", async () => {
    const server = await startServer({ MCP_LEGACY_SSE: "false" });
    try {
      for (const [method, path] of [
        ["GET", "/sse"],
        ["POST", "/messages?sessionId=x"],
      ]) {
        const response = await fetch(`${server.base}${path}`, { method });
        await expectJsonRpcError(response, 404, -32000, /\/mcp/);
      }
    } finally {
      await server.close();
    }
  });
});

describe("paths nothing serves", () => {
  it("answer a JSON-RPC-shaped 404 naming the method and path, also the metadata paths outside entra mode", async () => {
    const modes: Record<string, string>[] = [
      {},
      { AUTH_MODE: "apikey", MCP_API_KEYS: "ci:0123456789abcdef0123" },
    ];
    for (const env of modes) {
      const server = await startServer(env);
      try {
        for (const [method, path] of [
          ["GET", "/"],
          ["POST", "/nope"],
          ["GET", "/.well-known/oauth-protected-resource"],
          ["GET", "/.well-known/oauth-protected-resource/mcp"],
        ]) {
          const response = await fetch(`${server.base}${path}`, { method });
          expect(response.headers.get("content-type")).toMatch(/^application\/json/);
          await expectJsonRpcError(
            response,
            404,
            -32000,
            new RegExp(`^Not Found: ${method} ${path.replace(/[.]/g, "\\.")} `),
          );
        }
      } finally {
        await server.close();
      }
    }
  });
});
