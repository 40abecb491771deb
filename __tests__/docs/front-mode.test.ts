import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { DockerfileParser } from "dockerfile-ast";
import { parseFrontConfig } from "../../server/front/config";
import { EverythingMcpStack } from "./front-mode-example";

const root = path.resolve(__dirname, "..", "..");
const page = readFileSync(path.join(root, "docs", "front-mode.md"), "utf8");
const example = page.slice(page.indexOf("## Example"));

describe("docs/front-mode.md example", () => {
  it("shows front-mode-example.ts (type-checked by npm run lint), importing from the package name", () => {
    const block = /```ts\n([\s\S]*?)```/.exec(example)?.[1];
    const source = readFileSync(path.join(__dirname, "front-mode-example.ts"), "utf8");
    expect(block).toBe(source.replace('from "../../constructs"', 'from "cdktf-azure-mcp"'));
  });

  it("synthesizes with the policy checks, and the front reads the command the stack writes", () => {
    const stack = new EverythingMcpStack(Testing.app(), "everything-mcp");
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
