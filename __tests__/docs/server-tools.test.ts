import { readFileSync } from "node:fs";
import * as path from "node:path";
import { everyToolName } from "../server/support/tool-names";
import { repoRoot } from "./support/markdown-examples";

/** The first column of the table under `## Tools` in docs/server.md, backticks removed. */
function documentedTools(): string[] {
  const page = readFileSync(path.join(repoRoot, "docs", "server.md"), "utf8");
  const section = /\n## Tools\n([\s\S]*?)\n## /.exec(page)?.[1] ?? "";
  return section
    .split("\n")
    .filter((line) => /^\| `/.test(line))
    .map((line) => /^\| `([^`]+)`/.exec(line)?.[1] ?? "");
}

describe("docs/server.md tool table", () => {
  it("lists every tool the server can serve, in tools/list order: the registry's, then the configured ones", async () => {
    expect(documentedTools()).toEqual(await everyToolName());
  });
});
