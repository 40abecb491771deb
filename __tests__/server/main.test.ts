import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Client as ModernClient } from "@modelcontextprotocol/client";
import { StdioClientTransport as ModernStdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CHILD_SERVER_TEST_TIMEOUT_MS,
  listeningUrl,
  SERVER_NODE_ARGS,
  startChildServer,
} from "./support/child-server";
import { eventually, INITIALIZE, MCP_HEADERS } from "./support/test-server";
import { builtInToolNames } from "./support/tool-names";

const ROOT = join(__dirname, "..", "..");
jest.setTimeout(CHILD_SERVER_TEST_TIMEOUT_MS);

describe("server/main.ts as a real process", () => {
  it("exits 1 on a bad setting, naming it on stderr, before listening", async () => {
    const child = startChildServer({ PORT: "0", MCP_SSE_HEARTBEAT_SECONDS: "240" });
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toContain(
      'MCP_SSE_HEARTBEAT_SECONDS="240" is not valid: expected a whole number from 1 to 239',
    );
    expect(child.stdout()).not.toMatch(/listening/);
  });

  it("warns at startup when MCP_REQUEST_STATE_KEY is unset, and never prints the key", async () => {
    const key = `state-key-${"x".repeat(40)}`;
    const withoutKey = startChildServer({ PORT: "0" });
    const withKey = startChildServer({ PORT: "0", MCP_REQUEST_STATE_KEY: key });
    const tooShort = startChildServer({ PORT: "0", MCP_REQUEST_STATE_KEY: "short-secret" });
    try {
      await Promise.all([listeningUrl(withoutKey), listeningUrl(withKey)]);
      const warning = /"level":40,.*"msg":"MCP_REQUEST_STATE_KEY is not set/;
      expect(withoutKey.stdout()).toMatch(warning);
      expect(withKey.stdout()).not.toMatch(warning);
      expect(withKey.stdout() + withKey.stderr()).not.toContain(key);
      expect(await tooShort.exited).toBe(1);
      expect(tooShort.stderr()).toContain('MCP_REQUEST_STATE_KEY="<redacted, 12 bytes>" is not valid');
      expect(tooShort.stderr()).not.toContain("short-secret");
    } finally {
      for (const child of [withoutKey, withKey]) child.process.kill("SIGKILL");
    }
  });

  it("drains on SIGTERM: /readyz 503 at once, new work refused, the call in flight finishes, exit 0", async () => {
    const child = startChildServer({ PORT: "0", MCP_SHUTDOWN_GRACE_SECONDS: "20" });
    try {
      const base = await listeningUrl(child);
      const client = new Client({ name: "drain", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
      const progress: number[] = [];
      // Long enough that the 503s below are answered while the call still runs, even on a busy machine.
      const inFlight = client.callTool({ name: "wait_with_progress", arguments: { seconds: 8 } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      });
      await eventually(() => progress.length >= 1);
      child.process.kill("SIGTERM");
      await eventually(() => child.stdout().includes('"msg":"draining"'), 20_000);

      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: "draining" });
      const refused = await fetch(`${base}/mcp`, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(INITIALIZE),
      });
      expect(refused.status).toBe(503);

      expect((await inFlight).content).toEqual([{ type: "text", text: "Waited 8 seconds" }]);
      expect(await child.exited).toBe(0);
      expect(child.stdout()).toContain('"finished":true');
      await client.close();
    } finally {
      child.process.kill("SIGKILL");
    }
  });
});

describe("server/main.ts wiring from the environment", () => {
  it("enforces AUTH_MODE=apikey, registers query_logs, starts telemetry, and still exits 0 on SIGTERM", async () => {
    const key = "main-test-key-0123456789";
    const child = startChildServer({
      PORT: "0",
      AUTH_MODE: "apikey",
      MCP_API_KEYS: `ci:${key}`,
      LOG_ANALYTICS_WORKSPACE_ID: "63613592-b6f7-4c3d-a390-22ba13102111",
      // Nothing listens there: the exporter's flush fails, and shutdown must not wait on it for long.
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:1/",
    });
    try {
      const base = await listeningUrl(child);
      expect(child.stdout()).toMatch(/"authMode":"apikey","queryLogs":true,"telemetry":true/);
      const refused = await fetch(`${base}/mcp`, {
        method: "POST",
        headers: MCP_HEADERS,
        body: JSON.stringify(INITIALIZE),
      });
      expect(refused.status).toBe(401);

      const client = new Client({ name: "wired", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
          requestInit: { headers: { "x-api-key": key } },
        }),
      );
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain("query_logs");
      await client.callTool({ name: "echo", arguments: { message: "span" } });
      await client.close();

      child.process.kill("SIGTERM");
      expect(await child.exited).toBe(0);
      expect(child.stdout()).not.toContain(key);
    } finally {
      child.process.kill("SIGKILL");
    }
  });
});

const STDIO_SERVER = {
  command: process.execPath,
  args: SERVER_NODE_ARGS,
  cwd: ROOT,
  env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", MCP_TRANSPORT: "stdio" },
  stderr: "pipe" as const,
};

describe("stdio transport (MCP_TRANSPORT=stdio)", () => {
  it("speaks only MCP on stdout, logs on stderr, and serves every tool", async () => {
    const transport = new StdioClientTransport(STDIO_SERVER);
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: "stdio", version: "1" });
    await client.connect(transport); // any non-JSON-RPC line on stdout would fail the client here or below
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual((await builtInToolNames()).sort());
      expect((await client.callTool({ name: "echo", arguments: { message: "pipe" } })).content).toEqual([
        { type: "text", text: "pipe" },
      ]);
      expect((await client.callTool({ name: "whoami", arguments: {} })).structuredContent).toMatchObject({
        kind: "anonymous",
      });
      const time = await client.callTool({ name: "get_current_utc_time", arguments: {} });
      expect((time.structuredContent as { utc: string }).utc).toMatch(/Z$/);
      const progress: number[] = [];
      await client.callTool({ name: "wait_with_progress", arguments: { seconds: 2 } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      });
      expect(progress[0]).toBe(1);
      await eventually(() => stderr.includes("MCP server on stdio"));
    } finally {
      await client.close();
    }
  });

  it("serves the 2026-07-28 era to a client that negotiates it (one factory, both eras)", async () => {
    const transport = new ModernStdioClientTransport(STDIO_SERVER);
    const client = new ModernClient(
      { name: "stdio-auto", version: "1" },
      { versionNegotiation: { mode: "auto" } },
    );
    await client.connect(transport);
    try {
      expect(client.getProtocolEra()).toBe("modern");
      expect(
        (await client.callTool({ name: "echo", arguments: { message: "modern pipe" } })).content,
      ).toEqual([{ type: "text", text: "modern pipe" }]);
    } finally {
      await client.close();
    }
  });
});
