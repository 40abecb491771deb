import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { runScript } from "./support/run-script";

const TOKEN = "token-for-the-smoke-test";

/** How a stand-in deployment misbehaves; the default plays a correct deployment. */
interface Flaws {
  readonly healthStatus?: number;
  readonly metadataBody?: string;
  readonly openWithoutToken?: boolean;
  readonly challenge?: string | null;
  readonly noTools?: boolean;
  /** Plays Easy Auth in Return401 mode: a request without a token is answered 401 with no resource_metadata. */
  readonly easyAuthReturn401?: boolean;
  /** Status of the root well-known metadata URI (e.g. 401 when Easy Auth does not exclude it). */
  readonly rootMetadataStatus?: number;
  /** `resource` named by the metadata. */
  readonly metadataResource?: string;
  readonly acceptsAnyToken?: boolean;
}

/** A deployed endpoint played on 127.0.0.1: health, metadata and a real SDK Streamable HTTP server behind a bearer check. */
async function startDeployment(flaws: Flaws = {}): Promise<{ server: Server; mcpUrl: string }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const base = `http://${req.headers.host}`;
    if (req.url === "/healthz") {
      res.writeHead(flaws.healthStatus ?? 200).end("ok");
      return;
    }
    const rootMetadata = req.url === "/.well-known/oauth-protected-resource";
    if (rootMetadata && flaws.rootMetadataStatus !== undefined) {
      res.writeHead(flaws.rootMetadataStatus).end();
      return;
    }
    if (rootMetadata || req.url === "/.well-known/oauth-protected-resource/mcp") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        flaws.metadataBody ??
          JSON.stringify({
            resource: flaws.metadataResource ?? `${base}/mcp`,
            authorization_servers: ["https://login.example/tenant/v2.0"],
          }),
      );
      return;
    }
    if (req.url !== "/mcp") {
      res.writeHead(404).end();
      return;
    }
    if (flaws.easyAuthReturn401 && req.headers.authorization === undefined) {
      res.writeHead(401, { "www-authenticate": 'Bearer realm="easyauth"' }).end();
      return;
    }
    const tokenOk = flaws.acceptsAnyToken
      ? req.headers.authorization !== undefined
      : req.headers.authorization === `Bearer ${TOKEN}`;
    if (!flaws.openWithoutToken && !tokenOk) {
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
    expect(result.stdout).toContain("without a token: 401 with resource_metadata");
    expect(result.stdout).toContain("with an invalid token: 401");
    expect(result.stdout).toContain("tools/list: echo");
  });

  it("passes behind Easy Auth Return401, whose 401 has no resource_metadata, when the well-known metadata is open", async () => {
    const result = await smokeAgainst(
      { easyAuthReturn401: true },
      { EASY_AUTH_UNAUTHENTICATED_ACTION: "Return401" },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("401 from Easy Auth (Return401), well-known metadata reachable");
  });

  it("fails when Easy Auth answers 401 itself although the stack promised AllowAnonymous", async () => {
    const result = await smokeAgainst(
      { easyAuthReturn401: true },
      { EASY_AUTH_UNAUTHENTICATED_ACTION: "AllowAnonymous" },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the 401 should carry WWW-Authenticate with resource_metadata");
  });

  it("fails in Return401 mode when the root well-known metadata needs a token", async () => {
    const result = await smokeAgainst(
      { easyAuthReturn401: true, rootMetadataStatus: 401 },
      { EASY_AUTH_UNAUTHENTICATED_ACTION: "Return401" },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/oauth-protected-resource should answer 200 \(got HTTP 401\)/);
  });

  it("fails when the metadata names another resource than the MCP URL", async () => {
    const result = await smokeAgainst({ metadataResource: "https://elsewhere.example/mcp" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /should name http:\/\/127\.0\.0\.1:\d+\/mcp as its 'resource' \(got "https:\/\/elsewhere\.example\/mcp"\)/,
    );
  });

  it("fails when an invalid token is accepted", async () => {
    const result = await smokeAgainst({ acceptsAnyToken: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("with an invalid token should answer 401 (got HTTP 200)");
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

  it("refuses an unknown EASY_AUTH_UNAUTHENTICATED_ACTION, naming the variable and the allowed values", async () => {
    const result = await runScript("smoke-test.mjs", [], {
      MCP_URL: "https://example.test/mcp",
      MCP_TOKEN: TOKEN,
      EASY_AUTH_UNAUTHENTICATED_ACTION: "Return403",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "EASY_AUTH_UNAUTHENTICATED_ACTION must be one of AllowAnonymous, Return401 or empty (got 'Return403')",
    );
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
