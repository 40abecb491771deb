import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./support/markdown-examples";

const { peerDependencies } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  peerDependencies: Record<string, string>;
};

describe("docs/constructs.md's install line", () => {
  it("names every peer dependency of the package with its version", () => {
    const intro = readFileSync(path.join(repoRoot, "docs", "constructs.md"), "utf8").split("```")[0];
    const missing = Object.entries(peerDependencies)
      // An exact pin is named in full; a caret range by its major version ("constructs 10").
      .map(([name, range]) => [name, range.startsWith("^") ? range.slice(1).split(".")[0] : range] as const)
      .filter(
        ([name, version]) => !new RegExp(`\`${name}\`[^,;)]*?${version.replace(/\./g, "\\.")}`).test(intro),
      )
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
