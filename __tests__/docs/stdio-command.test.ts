import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { repoRoot } from "./support/markdown-examples";

/** The stdio line of the "Run it locally" block in docs/server.md, without its comment. */
function documentedStdioCommand(): string {
  const page = readFileSync(path.join(repoRoot, "docs", "server.md"), "utf8");
  const block = /## Run it locally[\s\S]*?```sh\n([\s\S]*?)```/.exec(page)?.[1] ?? "";
  const line = block.split("\n").find((candidate) => candidate.includes("MCP_TRANSPORT=stdio"));
  if (!line) throw new Error("docs/server.md's 'Run it locally' block has no MCP_TRANSPORT=stdio command");
  return line.replace(/\s+#.*$/, "").trim();
}

/** Runs a shell command as an SDK stdio client would, lists the tools, and returns what the client saw. */
async function connectOverStdio(command: string): Promise<{ tools: string[]; errors: string[] }> {
  const transport = new StdioClientTransport({
    command: "sh",
    args: ["-c", command],
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    stderr: "pipe",
  });
  const client = new Client({ name: "docs-stdio", version: "1" });
  const errors: string[] = [];
  client.onerror = (error) => errors.push(error.message);
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    return { tools: tools.map((tool) => tool.name), errors };
  } finally {
    await client.close();
  }
}

describe("the documented stdio command", () => {
  it("prints only MCP on stdout: an SDK client sees no parse error", async () => {
    const command = documentedStdioCommand();
    expect(command).not.toMatch(/\bnpm run\b/);
    const { tools, errors } = await connectOverStdio(command);
    expect(errors).toEqual([]);
    expect(tools).toContain("echo");
  }, 60_000);

  it("the check can fail: through npm run, npm's banner reaches stdout and the client reports it", async () => {
    const { errors } = await connectOverStdio("MCP_TRANSPORT=stdio npm run dev");
    expect(errors.join("\n")).toMatch(/JSON|Unexpected token/);
  }, 60_000);
});
