import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Aspects, TerraformStack, Testing } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";

/**
 * `require("cdktf-azure-mcp")` resolves through package.json `exports` to `dist/`, which exists only after
 * `npm run build`. These tests prove the two links that matter without a build: the exports map points at
 * the compiled form of `constructs/index.ts` (tsconfig.build.json maps `<x>.ts` to `dist/<x>.js`), and that
 * module, used exactly as another team would, exposes every construct and synthesizes in a foreign stack.
 */
const root = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  main: string;
  types: string;
  exports: Record<string, { types: string; default: string }>;
};
const buildConfig = JSON.parse(readFileSync(path.join(root, "tsconfig.build.json"), "utf8")) as {
  include: string[];
};

function sourceOf(compiled: string): string {
  return compiled
    .replace(/^\.\//, "")
    .replace(/^dist\//, "")
    .replace(/\.(d\.ts|js)$/, ".ts");
}

// Loaded like the package entry: one module object, no deep imports.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const entry = require(
  path.join(root, sourceOf(manifest.exports["."].default)),
) as typeof import("../../constructs");

describe("package entry", () => {
  it("maps the exports map, main and types onto constructs/index.ts, which the build compiles", () => {
    expect(sourceOf(manifest.exports["."].default)).toBe("constructs/index.ts");
    expect(sourceOf(manifest.exports["."].types)).toBe("constructs/index.ts");
    expect(sourceOf(manifest.main)).toBe("constructs/index.ts");
    expect(sourceOf(manifest.types)).toBe("constructs/index.ts");
    expect(buildConfig.include).toContain("constructs");
  });

  it("re-exports every export of every file under constructs/ except constructs/private/", () => {
    const files = listTs(path.join(root, "constructs")).filter(
      (file) => !file.endsWith("index.ts") && !file.includes(`${path.sep}private${path.sep}`),
    );
    const missing = files.flatMap((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(file) as Record<string, unknown>;
      return Object.keys(module)
        .filter((name) => !(name in entry))
        .map((name) => `${path.relative(root, file)}: ${name}`);
    });
    expect(missing).toEqual([]);
  });

  it("synthesizes the constructs in another team's stack", () => {
    const stack = new TerraformStack(Testing.app(), "team-stack");
    new AzurermProvider(stack, "azurerm", { features: [{}] });
    Aspects.of(stack).add(new entry.McpPolicyChecks());
    const rg = new ResourceGroup(stack, "Rg", { name: "rg-team", location: "westeurope" });
    const placement = { resourceGroupName: rg.name, location: rg.location };
    const environment = new entry.McpEnvironment(stack, "Env", { ...placement, baseName: "team" });
    const registry = new entry.ContainerRegistry(stack, "Registry", placement);
    const app = new entry.McpContainerApp(stack, "Mcp", {
      ...placement,
      environment,
      registry,
      name: "ca-team",
      image: entry.ServerImage.fromReference("example.azurecr.io/team-mcp:2.0.0"),
      authMode: "entra",
      entraTenantId: "00000000-0000-0000-0000-000000000000",
      entraAudiences: ["api://team-mcp"],
      maxReplicas: 1,
    });
    environment.grantLogsRead(app.identity);
    const outdir = Testing.fullSynth(stack);
    const json = readFileSync(path.join(outdir, "stacks", "team-stack", "cdk.tf.json"), "utf8");
    expect(json).toContain('"name": "ca-team"');
    expect(json).toContain('"image": "example.azurecr.io/team-mcp:2.0.0"');
  });
});

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listTs(path.join(dir, entry.name))
      : entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")
        ? [path.join(dir, entry.name)]
        : [],
  );
}
