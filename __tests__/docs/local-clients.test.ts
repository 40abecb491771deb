import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { loadConfig } from "../../server/config";
import { startServer } from "../server/support/test-server";
import { repoRoot } from "./support/markdown-examples";

const PLACEHOLDER = "/path/to/cdktf-azure-mcp";

interface Entry {
  readonly type?: string;
  readonly url?: string;
  readonly command?: string;
  readonly args?: string[];
  readonly env?: Record<string, string>;
}

/** Every server entry of the page's JSON blocks, per client section. */
function entries(): { client: string; name: string; entry: Entry }[] {
  const page = readFileSync(path.join(repoRoot, "docs", "local-clients.md"), "utf8");
  return page
    .split(/^## /m)
    .slice(1)
    .flatMap((section) => {
      const client = section.split("\n")[0];
      return [...section.matchAll(/^```json\n([\s\S]*?)^```$/gm)].flatMap((match) => {
        const config = JSON.parse(match[1]) as {
          servers?: Record<string, Entry>;
          mcpServers?: Record<string, Entry>;
        };
        return Object.entries(config.servers ?? config.mcpServers ?? {}).map(([name, entry]) => ({
          client,
          name,
          entry,
        }));
      });
    });
}

const all = entries();
const stdio = all.filter(({ entry }) => entry.command !== undefined);
const http = all.filter(({ entry }) => entry.url !== undefined);
const withClone = (text: string) => text.replaceAll(PLACEHOLDER, repoRoot);

describe("docs/local-clients.md", () => {
  it("has an HTTP and a stdio entry for VS Code and Cursor, and stdio for Claude Desktop", () => {
    const kinds = all.map(({ client, entry }) => `${client}: ${entry.command ? "stdio" : "http"}`);
    expect(kinds.sort()).toEqual(
      ["Claude Desktop: stdio", "Cursor: http", "Cursor: stdio", "VS Code: http", "VS Code: stdio"].sort(),
    );
    for (const { entry } of all.filter(({ client }) => client === "VS Code")) {
      expect(entry.type).toBe(entry.command ? "stdio" : "http");
    }
  });

  const distinctCommands = [...new Map(stdio.map(({ entry }) => [JSON.stringify(entry), entry])).values()];

  it.each(distinctCommands.map((entry) => [JSON.stringify(entry), entry]))(
    "the stdio entry %s starts the server from another directory and answers initialize",
    async (_json, entry) => {
      const transport = new StdioClientTransport({
        command: withClone(entry.command ?? ""),
        args: (entry.args ?? []).map(withClone),
        cwd: mkdtempSync(path.join(tmpdir(), "client-cwd-")),
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...entry.env },
        stderr: "pipe",
      });
      const client = new Client({ name: "local-clients-doc", version: "1" });
      const errors: string[] = [];
      client.onerror = (error) => errors.push(error.message);
      await client.connect(transport);
      try {
        expect(client.getServerVersion()?.name).toBe("cdktf-azure-mcp");
        const { tools } = await client.listTools();
        expect(tools.map((tool) => tool.name)).toContain("echo");
        expect(errors).toEqual([]);
      } finally {
        await client.close();
      }
    },
    90_000,
  );

  it("the HTTP entries point where npm run dev listens by default, and a tool answers there", async () => {
    const defaults = loadConfig({});
    for (const { entry } of http) {
      expect(entry.url).toBe(`http://${defaults.host}:${defaults.port}/mcp`);
    }
    const server = await startServer();
    try {
      const client = new Client({ name: "local-clients-doc", version: "1" });
      const url = new URL(new URL(http[0].entry.url ?? "").pathname, server.base);
      await client.connect(new StreamableHTTPClientTransport(url));
      const result = await client.callTool({ name: "echo", arguments: { message: "from the docs" } });
      expect(result.content).toEqual([{ type: "text", text: "from the docs" }]);
      await client.close();
    } finally {
      await server.close();
    }
  }, 60_000);
});
