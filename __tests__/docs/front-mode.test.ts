import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { DockerfileParser } from "dockerfile-ast";
import { loadConfig } from "../../server/config";
import { parseFrontConfig } from "../../server/front/config";
import { EverythingMcpStack } from "./support/front-mode-example";

const root = path.resolve(__dirname, "..", "..");
const page = readFileSync(path.join(root, "docs", "front-mode.md"), "utf8");
const example = page.slice(page.indexOf("## Example"));

/** Runs `build` with EVERYTHING_IMAGE set (or unset), as the page's first and second deploys do. */
function withEverythingImage<T>(image: string | undefined, build: () => T): T {
  const saved = process.env.EVERYTHING_IMAGE;
  if (image === undefined) delete process.env.EVERYTHING_IMAGE;
  else process.env.EVERYTHING_IMAGE = image;
  try {
    return build();
  } finally {
    if (saved === undefined) delete process.env.EVERYTHING_IMAGE;
    else process.env.EVERYTHING_IMAGE = saved;
  }
}

describe("docs/front-mode.md", () => {
  it("says a stdio transport with an upstream refuses to start, quoting the real error", () => {
    const quoted = /`(MCP_TRANSPORT="stdio" is not valid: [^`]+)`/.exec(page)?.[1];
    expect(quoted).toBeDefined();
    expect(() =>
      loadConfig({ MCP_TRANSPORT: "stdio", MCP_UPSTREAM_URL: "http://localhost:3001/mcp" }),
    ).toThrow(quoted);
  });
});

describe("docs/front-mode.md example", () => {
  it("shows front-mode-example.ts (type-checked by npm run lint), importing from the package name", () => {
    const block = /```ts\n([\s\S]*?)```/.exec(example)?.[1];
    const source = readFileSync(path.join(__dirname, "support", "front-mode-example.ts"), "utf8");
    expect(block).toBe(source.replace('from "../../../constructs"', 'from "cdktf-azure-mcp"'));
  });

  it("synthesizes with the policy checks, and the front reads the command the stack writes", () => {
    const stack = withEverythingImage("acreverything0123abcd.azurecr.io/mcp-everything:2026.8.31", () => {
      return new EverythingMcpStack(Testing.app(), "everything-mcp");
    });
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: {
        azurerm_container_app: Record<
          string,
          { template: { container: { env: { name: string; value?: string }[] }[] } }
        >;
      };
    };
    const [app] = Object.values(json.resource.azurerm_container_app);
    const env = Object.fromEntries(app.template.container[0].env.map((e) => [e.name, e.value ?? ""]));
    expect(parseFrontConfig(env)).toMatchObject({
      kind: "stdio",
      command: "mcp-server-everything",
      args: ["stdio"],
    });
  });

  it("deploys the registry and the bundled server alone first: nothing is pushed before the registry exists", () => {
    const stack = withEverythingImage(
      undefined,
      () => new EverythingMcpStack(Testing.app(), "everything-mcp"),
    );
    const json = JSON.parse(Testing.synth(stack)) as {
      output: Record<string, unknown>;
      resource: {
        azurerm_container_app: Record<string, { template: { container: { env: { name: string }[] }[] } }>;
      };
    };
    const [app] = Object.values(json.resource.azurerm_container_app);
    expect(app.template.container[0].env.map((e) => e.name)).not.toContain("MCP_UPSTREAM_COMMAND");
    // The names the page's second step reads with `terraform output`.
    const outputs = [...page.matchAll(/output -raw (\w+)/g)].map((match) => match[1]);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) expect(Object.keys(json.output)).toContain(output);
  });

  it("builds FROM the bundled server and installs the server-everything version the tests run", () => {
    const dockerfile = /```dockerfile\n([\s\S]*?)```/.exec(example)?.[1] ?? "";
    const instructions = DockerfileParser.parse(dockerfile).getInstructions();
    const keywords = instructions.map((i) => i.getKeyword());
    expect(keywords[0]).toBe("ARG");
    expect(instructions[1].getKeyword()).toBe("FROM");
    expect(instructions[1].getArgumentsContent()).toBe("${FRONT_IMAGE}");
    const installs = instructions.filter((i) => i.getKeyword() === "RUN").map((i) => i.getArgumentsContent());
    const version = (
      JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies["@modelcontextprotocol/server-everything"];
    expect(installs.join("\n")).toContain(`@modelcontextprotocol/server-everything@${version}`);
    // It ends as the unprivileged user, like the bundled image.
    const users = instructions.filter((i) => i.getKeyword() === "USER").map((i) => i.getArgumentsContent());
    expect(users[users.length - 1]).toBe("node");
    // The bundled image's CMD (the front) stays: no CMD or ENTRYPOINT of its own.
    expect(keywords).not.toContain("CMD");
    expect(keywords).not.toContain("ENTRYPOINT");
  });
});
