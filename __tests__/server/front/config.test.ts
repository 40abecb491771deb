import { loadConfig } from "../../../server/config";
import { parseFrontConfig } from "../../../server/front/config";
import { startChildServer } from "../support/child-server";

describe("front mode configuration", () => {
  it("is off unless an upstream is named", () => {
    expect(loadConfig({}).front).toBeUndefined();
  });

  it("reads MCP_UPSTREAM_URL with the default timeout", () => {
    expect(parseFrontConfig({ MCP_UPSTREAM_URL: "http://localhost:3001/mcp" })).toEqual({
      kind: "http",
      url: "http://localhost:3001/mcp",
      timeoutMs: 60_000,
    });
  });

  it("reads MCP_UPSTREAM_COMMAND, its limits, and the child's environment", () => {
    const config = parseFrontConfig({
      MCP_UPSTREAM_COMMAND: "  npx -y @acme/mcp-server   --stdio ",
      MCP_UPSTREAM_MAX_CHILDREN: "7",
      MCP_UPSTREAM_IDLE_SECONDS: "90",
      MCP_UPSTREAM_TIMEOUT_SECONDS: "15",
      MCP_UPSTREAM_MAX_LINE_BYTES: "65536",
      MCP_UPSTREAM_ENV_ACME_TOKEN: "from-key-vault",
      MCP_API_KEYS: "ours:do-not-pass",
      PATH: "/usr/bin",
    });
    expect(config).toEqual({
      kind: "stdio",
      command: "npx",
      args: ["-y", "@acme/mcp-server", "--stdio"],
      env: { PATH: "/usr/bin", ACME_TOKEN: "from-key-vault" },
      timeoutMs: 15_000,
      maxChildren: 7,
      idleMs: 90_000,
      maxLineBytes: 65_536,
    });
  });

  it("defaults MCP_UPSTREAM_MAX_LINE_BYTES to 16 MiB", () => {
    expect(parseFrontConfig({ MCP_UPSTREAM_COMMAND: "node x.js" })).toMatchObject({
      maxLineBytes: 16_777_216,
    });
  });

  it("takes a JSON array for arguments with spaces", () => {
    expect(parseFrontConfig({ MCP_UPSTREAM_COMMAND: '["node", "/srv/my server.js"]' })).toMatchObject({
      command: "node",
      args: ["/srv/my server.js"],
    });
  });

  it("fails when both upstream variables are set, naming both", () => {
    expect(() =>
      loadConfig({ MCP_UPSTREAM_URL: "http://localhost:3001/mcp", MCP_UPSTREAM_COMMAND: "node x.js" }),
    ).toThrow(/MCP_UPSTREAM_URL=.*MCP_UPSTREAM_URL and MCP_UPSTREAM_COMMAND are mutually exclusive/);
  });

  it.each([
    ["ftp://localhost/mcp", /expected an http\(s\) URL/],
    ["not a url", /expected an http\(s\) URL/],
    ["http://user:secret@localhost:3001/mcp", /without credentials/],
  ])("fails when MCP_UPSTREAM_URL is %s", (url, message) => {
    expect(() => parseFrontConfig({ MCP_UPSTREAM_URL: url })).toThrow(message);
  });

  it("fails when MCP_UPSTREAM_COMMAND is a broken JSON array", () => {
    expect(() => parseFrontConfig({ MCP_UPSTREAM_COMMAND: '["node", 3]' })).toThrow(
      /MCP_UPSTREAM_COMMAND="\[\\"node\\", 3\]" is not valid: expected a command line/,
    );
  });

  it.each([
    ["MCP_UPSTREAM_TIMEOUT_SECONDS", "0"],
    ["MCP_UPSTREAM_MAX_CHILDREN", "0"],
    ["MCP_UPSTREAM_IDLE_SECONDS", "abc"],
    ["MCP_UPSTREAM_MAX_LINE_BYTES", "1023"],
  ])("fails when %s is %s", (variable, value) => {
    expect(() => parseFrontConfig({ MCP_UPSTREAM_COMMAND: "node x.js", [variable]: value })).toThrow(
      new RegExp(`^${variable}=.* is not valid: expected a whole number`),
    );
  });

  it.each([
    ["MCP_UPSTREAM_URL", "http://localhost:3001/mcp"],
    ["MCP_UPSTREAM_COMMAND", "node x.js"],
  ])("fails when %s is set with MCP_TRANSPORT=stdio, naming both", (variable, value) => {
    expect(() => loadConfig({ MCP_TRANSPORT: "stdio", [variable]: value })).toThrow(
      new RegExp(
        `^MCP_TRANSPORT="stdio" is not valid: ${variable} is set \\(front mode\\), which serves Streamable HTTP only: ` +
          `set MCP_TRANSPORT=http, or unset ${variable}`,
      ),
    );
    expect(loadConfig({ MCP_TRANSPORT: "http", [variable]: value }).front).toBeDefined();
  });

  it("fails at startup, before listening, when an upstream is set with MCP_TRANSPORT=stdio", async () => {
    const child = startChildServer({ MCP_TRANSPORT: "stdio", MCP_UPSTREAM_COMMAND: "node x.js" });
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toMatch(
      /^Configuration error: MCP_TRANSPORT="stdio" is not valid: MCP_UPSTREAM_COMMAND is set \(front mode\)/m,
    );
    expect(child.stderr()).not.toContain("MCP server on stdio");
  });

  it("fails at startup, before listening, when both upstreams are set", async () => {
    const child = startChildServer({
      MCP_UPSTREAM_URL: "http://localhost:3001/mcp",
      MCP_UPSTREAM_COMMAND: "node x.js",
    });
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toMatch(
      /^Configuration error: MCP_UPSTREAM_URL=.* MCP_UPSTREAM_URL and MCP_UPSTREAM_COMMAND are mutually exclusive/m,
    );
    expect(child.stdout()).not.toContain("listening");
  });
});
