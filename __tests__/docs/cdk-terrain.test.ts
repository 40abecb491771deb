import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./support/markdown-examples";

const page = readFileSync(path.join(repoRoot, "docs", "cdk-terrain.md"), "utf8");
const compat = JSON.parse(
  readFileSync(path.join(repoRoot, "compat", "cdktn", "package.json"), "utf8"),
) as Recipe;
const root = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

interface Recipe {
  dependencies: Record<string, string>;
  overrides: Record<string, string>;
}

function consumerRecipe(): Recipe {
  const block = /^```json\n([\s\S]*?)^```$/m.exec(page);
  if (!block) throw new Error("docs/cdk-terrain.md has no ```json recipe");
  return JSON.parse(block[1]) as Recipe;
}

describe("docs/cdk-terrain.md", () => {
  it("gives consumers exactly the aliases and overrides the cdktn CI run installs", () => {
    const { dependencies, overrides } = consumerRecipe();
    const { "cdktf-azure-mcp": library, ...engine } = dependencies;
    expect(library).toMatch(/^file:cdktf-azure-mcp-\d+\.\d+\.\d+\.tgz$/);
    expect(engine).toEqual(compat.dependencies);
    expect(overrides).toEqual(compat.overrides);
  });

  it("names the versions the recipe pins", () => {
    for (const spec of Object.values(compat.dependencies)) {
      const version = /(\d+\.\d+\.\d+)$/.exec(spec)?.[1];
      expect(version).toBeDefined();
      expect(page).toContain(` ${version}`);
    }
  });

  it("documents the npm script CI runs", () => {
    expect(root.scripts["test:cdktn"]).toContain("compat/cdktn/jest.config.js");
    expect(page).toContain("npm run test:cdktn");
  });
});
