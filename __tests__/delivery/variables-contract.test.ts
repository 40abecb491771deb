import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { bootstrapConfig } from "../../stacks/bootstrap-config";
import { McpBootstrapStack } from "../../stacks/bootstrap-stack";
import { repoRoot } from "./run-script";

/** The repository variables must agree in three places: bootstrap outputs, deploy.yml and docs/deploy-github.md. */
describe("repository variables", () => {
  const stack = new McpBootstrapStack(Testing.app() as App, "mcp-bootstrap", bootstrapConfig({}));
  const outputs = Object.keys(
    (JSON.parse(Testing.synth(stack)) as { output: Record<string, unknown> }).output,
  );
  const variablesFromBootstrap = outputs.filter((name) => /^[A-Z_]+$/.test(name)).sort();

  it("deploy.yml reads exactly the variables the bootstrap stack outputs", () => {
    const workflow = readFileSync(join(repoRoot, ".github", "workflows", "deploy.yml"), "utf8");
    const read = [
      ...new Set([...workflow.matchAll(/\$\{\{\s*vars\.([A-Z_]+)\s*\}\}/g)].map((match) => match[1])),
    ];
    expect(read.sort()).toEqual(variablesFromBootstrap);
  });

  it("docs/deploy-github.md sets exactly those variables from the bootstrap outputs", () => {
    const page = readFileSync(join(repoRoot, "docs", "deploy-github.md"), "utf8");
    const loop = /for name in ([\s\S]*?); do\n\s*gh variable set/.exec(page);
    expect(loop).not.toBeNull();
    const names = (loop?.[1] ?? "").split(/[\s\\]+/).filter((name) => name !== "");
    expect(names.sort()).toEqual(variablesFromBootstrap);
  });
});
