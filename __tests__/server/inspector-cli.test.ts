import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunningServer, startServer } from "./support/test-server";

// The MCP Inspector's CLI (2.x needs Node 22: it runs on the pinned `node` dev dependency) against the real
// server over Streamable HTTP at /mcp and legacy HTTP+SSE at /sse, with an API key in the header.
const ROOT = join(__dirname, "..", "..");
const NODE_22 = join(ROOT, "node_modules", "node", "bin", "node");
const INSPECTOR = join(
  ROOT,
  "node_modules",
  "@modelcontextprotocol",
  "inspector",
  "clients",
  "launcher",
  "build",
  "index.js",
);
const KEY = "inspector-key-0123456789abcdef";

function inspector(
  url: string,
  key: string | undefined,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const header = key === undefined ? [] : ["--header", `x-api-key: ${key}`];
  return new Promise((resolve) => {
    execFile(
      NODE_22,
      [INSPECTOR, "--cli", url, ...header, ...args],
      // Its catalog of servers goes to a directory of the test's own, not the user's home.
      { env: { ...process.env, MCP_CATALOG_PATH: join(catalogDir, "mcp.json") }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let server: RunningServer;
let catalogDir: string;
beforeAll(async () => {
  catalogDir = mkdtempSync(join(tmpdir(), "inspector-"));
  server = await startServer({ AUTH_MODE: "apikey", MCP_API_KEYS: `inspector:${KEY}` });
});
afterAll(() => server.close());

describe("MCP Inspector CLI", () => {
  it.each(["/mcp", "/sse"])("lists the tools and calls echo over %s", async (path) => {
    const url = `${server.base}${path}`;
    const listed = await inspector(url, KEY, "--method", "tools/list");
    expect(listed.code).toBe(0);
    const names = (JSON.parse(listed.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["echo", "whoami", "confirm_action"]));

    const called = await inspector(
      url,
      KEY,
      "--method",
      "tools/call",
      "--tool-name",
      "echo",
      "--tool-arg",
      "message=hi",
    );
    expect(called.code).toBe(0);
    expect(JSON.parse(called.stdout)).toMatchObject({ content: [{ type: "text", text: "hi" }] });
  });

  it("without the API key gets the server's challenge and asks for sign-in", async () => {
    const refused = await inspector(`${server.base}/mcp`, undefined, "--method", "tools/list");
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/auth_required/);
  });
});
