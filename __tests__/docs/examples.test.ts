import { Testing, TerraformStack } from "cdktf";
import * as library from "../../constructs";
import { typeScriptExamples } from "./support/markdown-examples";
import { loadExample, typeCheckExamples } from "./support/type-check";

const examples = typeScriptExamples();
const stacks = examples.filter((example) => example.stackClass !== undefined);

describe("TypeScript examples in README.md and docs/", () => {
  it("finds the examples, the README's included", () => {
    expect(examples.map((example) => example.page)).toContain("README.md");
    expect(stacks.length).toBeGreaterThanOrEqual(3);
  });

  it("type-check against the library as `cdktf-azure-mcp`", () => {
    expect(typeCheckExamples(examples)).toEqual([]);
  }, 120_000);

  it("the check can fail: a wrong property is reported at its page and line", () => {
    const wrong = {
      page: "docs/wrong.md",
      line: 10,
      code: 'import { McpEasyAuth } from "cdktf-azure-mcp";\nexport const props: ConstructorParameters<typeof McpEasyAuth>[2] = { containerAppId: "x" };\n',
    };
    const diagnostics = typeCheckExamples([wrong]);
    expect(diagnostics.join("\n")).toMatch(/^docs\/wrong\.md:11: .*containerAppId/m);
  }, 120_000);

  it.each(stacks.map((example) => [`${example.page}:${example.line} ${example.stackClass}`, example]))(
    "%s synthesizes, validations included",
    (_name, example) => {
      const Stack = loadExample(example, library)[example.stackClass ?? ""] as new (
        scope: unknown,
        id: string,
      ) => TerraformStack;
      const stack = new Stack(Testing.app(), "example");
      expect(() => Testing.fullSynth(stack)).not.toThrow();
      const synthesized = JSON.parse(Testing.synth(stack)) as { resource?: Record<string, unknown> };
      expect(Object.keys(synthesized.resource ?? {}).length).toBeGreaterThan(0);
    },
  );
});
