import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import { bootstrapConfig } from "../../stacks/bootstrap-config";
import { McpBootstrapStack } from "../../stacks/bootstrap-stack";
import { repoRoot } from "./support/run-script";

/**
 * The GitHub variables must agree in three places: the bootstrap outputs, the deploy workflows and
 * docs/deploy-github.md.
 */
describe("GitHub variables", () => {
  const stack = new McpBootstrapStack(
    Testing.app() as App,
    "mcp-bootstrap",
    bootstrapConfig({ GITHUB_REPOSITORY: "contoso/mcp" }),
  );
  const outputs = (JSON.parse(Testing.synth(stack)) as { output: Record<string, { value: unknown }> }).output;
  const repositoryVariables = Object.keys(outputs.github_repository_variables.value as object);
  const environmentVariables = outputs.github_environment_variables.value as Record<string, object>;
  const perEnvironment = [
    ...new Set(Object.values(environmentVariables).flatMap((vars) => Object.keys(vars))),
  ];

  it("the deploy workflows read exactly the variables the bootstrap stack outputs", () => {
    const read = new Set(
      ["deploy.yml", "deploy-environment.yml"].flatMap((file) =>
        [
          ...readFileSync(join(repoRoot, ".github", "workflows", file), "utf8").matchAll(
            /\$\{\{\s*vars\.([A-Z_]+)\s*\}\}/g,
          ),
        ].map((match) => match[1]),
      ),
    );
    expect([...read].sort()).toEqual([...repositoryVariables, ...perEnvironment].sort());
  });

  it("every environment and its -plan twin get the same variable names", () => {
    expect(Object.keys(environmentVariables).sort()).toEqual(["dev", "dev-plan", "prod", "prod-plan"]);
    for (const vars of Object.values(environmentVariables))
      expect(Object.keys(vars).sort()).toEqual([...perEnvironment].sort());
  });

  it("docs/deploy-github.md sets both outputs as GitHub variables", () => {
    const page = readFileSync(join(repoRoot, "docs", "deploy-github.md"), "utf8");
    expect(page).toContain('out() { terraform -chdir=cdktf.out/stacks/mcp-bootstrap output -json "$1"; }');
    expect(page).toMatch(/out github_repository_variables[\s\S]*?gh variable set "\$name" --body "\$value"/);
    expect(page).toMatch(
      /out github_environment_variables[\s\S]*?gh variable set "\$name" --env "\$env" --body "\$value"/,
    );
  });
});
