import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { builtInToolNames, everyToolName } from "../support/tool-names";

const TOOLS_DIR = path.join(__dirname, "..", "..", "..", "server", "tools");

/** Tool names a source file registers: the string literal that `x.registerTool(...)` or `x.register(...)` starts with. */
function namesRegisteredIn(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ["registerTool", "register"].includes(node.expression.name.text) &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      names.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

describe("the tool registry", () => {
  it("serves every tool defined under server/tools/, so a tool file cannot be left unregistered", async () => {
    const defined = readdirSync(TOOLS_DIR)
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) => namesRegisteredIn(path.join(TOOLS_DIR, file)));
    expect(defined.length).toBeGreaterThan(0);
    expect([...defined].sort()).toEqual([...(await everyToolName())].sort());
  });

  it("comes first in tools/list, in registry order, before the tools a setting adds", async () => {
    const builtIn = await builtInToolNames();
    expect((await everyToolName()).slice(0, builtIn.length)).toEqual(builtIn);
  });
});
