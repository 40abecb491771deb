import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { runScript } from "./run-script";

const TOKEN = "token-for-the-smoke-test";

/** How a stand-in deployment misbehaves; the default plays a correct deployment. */
interface Flaws {
  readonly healthStatus?: number;
  readonly metadataBody?: string;
  readonly openWithoutToken?: boolean;
  readonly challenge?: string | null;
  readonly noTools?: boolean;
}

/** A deployed endpoint played on 127.0.0.1: health, metadata and a real SDK Streamable HTTP server behind a bearer check. */
async function startDeployment(flaws: Flaws = {}): Promise<{ server: Server; mcpUrl: string }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const base = `http://${req.headers.host}`;
    if (req.url === "/healthz") {
      res.writeHead(flaws.healthStatus ?? 200).end("ok");
      return;
    }
    if (req.url === "/.well-known/oauth-protected-resource/mcp") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        flaws.metadataBody ??
          JSON.stringify({
            resource: `${base}/mcp`,
            authorization_servers: ["https://login.example/tenant/v2.0"],
          }),
      );
      return;
    }
    if (req.url !== "/mcp") {
      res.writeHead(404).end();
      return;
    }
    if (!flaws.openWithoutToken && req.headers.authorization !== `Bearer ${TOKEN}`) {
      const challenge =
        flaws.challenge === undefined
          ? `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`
          : flaws.challenge;
      res.writeHead(401, challenge === null ? {} : { "www-authenticate": challenge }).end();
      return;
    }
    const mcp = new McpServer({ name: "stand-in", version: "0.0.1" });
    if (!flaws.noTools)
      mcp.registerTool("echo", { description: "echo" }, async () => ({
        content: [{ type: "text", text: "hi" }],
      }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close());
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { server, mcpUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp` };
}

async function smokeAgainst(flaws: Flaws, env: Record<string, string> = {}) {
  const { server, mcpUrl } = await startDeployment(flaws);
  try {
    return await runScript("smoke-test.mjs", [], {
      MCP_URL: mcpUrl,
      MCP_TOKEN: TOKEN,
      SMOKE_WAIT_SECONDS: "0",
      ...env,
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("smoke test (.github/scripts/smoke-test.mjs)", () => {
  it("passes against a correct deployment and lists its tools", async () => {
    const result = await smokeAgainst({});
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("401 with resource_metadata");
    expect(result.stdout).toContain("tools/list: echo");
  });

  it("fails when /mcp answers without a token", async () => {
    const result = await smokeAgainst({ openWithoutToken: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/without a token should answer 401 \(got HTTP 200\)/);
  });

  it("fails when the 401 has no resource_metadata challenge", async () => {
    const result = await smokeAgainst({ challenge: 'Bearer realm="easyauth"' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("WWW-Authenticate with resource_metadata");
  });

  it("fails when the 401 has no WWW-Authenticate at all", async () => {
    const result = await smokeAgainst({ challenge: null });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(got "")');
  });

  it("fails when the metadata names no resource", async () => {
    const result = await smokeAgainst({ metadataBody: JSON.stringify({ authorization_servers: [] }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("should name its 'resource'");
  });

  it("fails when the health endpoint never answers 200", async () => {
    const result = await smokeAgainst(
      { healthStatus: 503 },
      { SMOKE_WAIT_SECONDS: "0.3", SMOKE_POLL_SECONDS: "0.1" },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/healthz should answer 200 within 0.3s \(got HTTP 503\)/);
  });

  it("fails when the token is refused", async () => {
    const { server, mcpUrl } = await startDeployment();
    try {
      const result = await runScript("smoke-test.mjs", [], {
        MCP_URL: mcpUrl,
        MCP_TOKEN: "wrong",
        SMOKE_WAIT_SECONDS: "0",
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("authenticated initialize should answer 200 (got HTTP 401)");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("fails when the server offers no tools", async () => {
    const result = await smokeAgainst({ noTools: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("tools/list");
  });

  it("fails when nothing listens at the URL", async () => {
    const { server, mcpUrl } = await startDeployment();
    await new Promise((resolve) => server.close(resolve));
    const result = await runScript("smoke-test.mjs", [], {
      MCP_URL: mcpUrl,
      MCP_TOKEN: TOKEN,
      SMOKE_WAIT_SECONDS: "0",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ECONNREFUSED");
  });

  it("refuses to start without MCP_URL or MCP_TOKEN, naming the variable", async () => {
    const noUrl = await runScript("smoke-test.mjs", [], { MCP_TOKEN: TOKEN });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("MCP_URL is required");
    const noToken = await runScript("smoke-test.mjs", [], { MCP_URL: "https://example.test/mcp" });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("MCP_TOKEN is required");
  });
});
