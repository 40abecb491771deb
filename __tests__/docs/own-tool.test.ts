import { readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { buildInputFiles } from "../../constructs/private/build-inputs";
import { repoRoot, typeScriptExamples } from "./support/markdown-examples";

/**
 * docs/own-tool.md's two blocks, run as written: the tool block becomes a module, and the test block's
 * describe/it register real tests here, its relative import of the tool resolved to that module.
 */
const [toolBlock, testBlock] = typeScriptExamples(["docs/own-tool.md"]).map((example) => example.code);
const TOOL_IMPORT = "../../../server/tools/word-count";

function run(code: string, modules: Record<string, unknown>): Record<string, unknown> {
  const { outputText } = ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const module = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string): unknown => (id in modules ? modules[id] : require(id));
  new Function("require", "module", "exports", outputText)(load, module, module.exports);
  return module.exports;
}

describe("docs/own-tool.md", () => {
  it("has the tool and its test, each naming the file it goes in", () => {
    expect(toolBlock.split("\n")[0]).toBe("// server/tools/word-count.ts");
    expect(testBlock.split("\n")[0]).toBe("// __tests__/server/tools/word-count.test.ts");
    expect(testBlock).toContain(`from "${TOOL_IMPORT}"`);
  });

  it("registers the tool in the tool registry, after the built-in ones", () => {
    const page = readFileSync(path.join(repoRoot, "docs", "own-tool.md"), "utf8");
    const source = readFileSync(path.join(repoRoot, "server", "tools", "registry.ts"), "utf8");
    const diff = /```diff\n([\s\S]*?)```/.exec(page)?.[1] ?? "";
    const context = diff
      .split("\n")
      .filter((line) => line.startsWith(" ") && line.trim() !== "...")
      .map((line) => line.slice(1));
    expect(context.length).toBeGreaterThanOrEqual(3);
    for (const line of context) expect(source).toContain(line);
  });

  it("ships with the image: a file under server/tools/ is a build input of BundledServerImage's hash", () => {
    const inputs = buildInputFiles(repoRoot, "server/Dockerfile");
    expect(inputs).toContain("server/tools/echo.ts");
    expect(inputs).toContain("server/tools/registry.ts");
  });
});

run(testBlock, { [TOOL_IMPORT]: run(toolBlock, {}) });
