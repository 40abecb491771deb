import { parseAuthConfig } from "../../../server/auth/config";
import { startTestApp, type TestApp } from "./support/test-app";

const OLD_KEY = "old-key-0123456789abcdef";
const NEW_KEY = "new-key-fedcba9876543210";
const BARE_KEY = "bare-key-aaaabbbbccccdddd";

let app: TestApp;

beforeEach(async () => {
  const auth = parseAuthConfig({
    AUTH_MODE: "apikey",
    MCP_API_KEYS: `old:${OLD_KEY}, new:${NEW_KEY},${BARE_KEY}`,
  });
  app = await startTestApp(auth);
});

afterEach(async () => {
  await app.close();
  // Keys never reach a log line.
  for (const line of app.logLines) {
    for (const key of [OLD_KEY, NEW_KEY, BARE_KEY, "wrong-key-0000000000000000"])
      expect(line).not.toContain(key);
  }
});

function call(headers: Record<string, string>, path = "/mcp") {
  return fetch(`${app.url}${path}`, { method: "POST", headers });
}

async function callerOf(res: Response) {
  return ((await res.json()) as { caller: unknown }).caller;
}

describe("apikey mode", () => {
  test.each([
    ["api-key", { "api-key": NEW_KEY }],
    ["x-api-key", { "x-api-key": NEW_KEY }],
    ["Authorization: Bearer", { authorization: `Bearer ${NEW_KEY}` }],
  ])("right key in %s: 200 with the key's label as the caller", async (_name, headers) => {
    const res = await call(headers);
    expect(res.status).toBe(200);
    expect(await callerOf(res)).toEqual({
      kind: "apikey",
      id: "new",
      name: "new",
      apiKeyLabel: "new",
      scopes: [],
      roles: [],
    });
  });

  test("two keys during rotation: both accepted, each under its own label", async () => {
    expect(await callerOf(await call({ "x-api-key": OLD_KEY }))).toMatchObject({ id: "old" });
    expect(await callerOf(await call({ "x-api-key": NEW_KEY }))).toMatchObject({ id: "new" });
  });

  test("a bare key gets a derived label that does not reveal the key", async () => {
    const caller = (await callerOf(await call({ "api-key": BARE_KEY }))) as { id: string };
    expect(caller.id).toMatch(/^key-[0-9a-f]{8}$/);
    expect(BARE_KEY).not.toContain(caller.id.slice(4));
  });

  test("wrong key: 401 invalid_token without resource metadata", async () => {
    const res = await call({ "x-api-key": "wrong-key-0000000000000000" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="mcp", error="invalid_token"');
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      error: { code: -32001, message: "Unauthorized: the API key is not valid" },
      id: null,
    });
  });

  test("a prefix or extension of a valid key is refused", async () => {
    expect((await call({ "x-api-key": NEW_KEY.slice(0, -1) })).status).toBe(401);
    expect((await call({ "x-api-key": `${NEW_KEY}x` })).status).toBe(401);
  });

  test.each(["/mcp", "/sse", "/messages"])(
    "missing key on %s: 401 naming the accepted headers",
    async (path) => {
      const res = await call({}, path);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="mcp"');
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /api-key, x-api-key or Authorization: Bearer/,
      );
    },
  );

  test("key in the query string: 401", async () => {
    const res = await fetch(`${app.url}/mcp?api_key=${NEW_KEY}`, {
      method: "POST",
      headers: { "x-api-key": NEW_KEY },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_request"');
  });

  test("log lines name the outcome and the label, never the key", async () => {
    await call({ "x-api-key": "wrong-key-0000000000000000" });
    await call({ "x-api-key": OLD_KEY });
    const entries = app.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toContainEqual(expect.objectContaining({ status: 401, reason: "unknown API key" }));
    expect(entries).toContainEqual(expect.objectContaining({ callerId: "old" }));
  });

  test("no protected resource metadata: there is no OAuth server to discover", async () => {
    expect((await fetch(`${app.url}/.well-known/oauth-protected-resource`)).status).toBe(404);
    expect((await fetch(`${app.url}/.well-known/oauth-protected-resource/mcp`)).status).toBe(404);
  });

  test("readiness is always true", async () => {
    expect(app.middleware.readiness.name).toBe("auth");
    expect(await app.middleware.readiness.check()).toBe(true);
  });
});
