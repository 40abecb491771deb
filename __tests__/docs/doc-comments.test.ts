import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { repoRoot } from "./support/markdown-examples";

/** Every .ts file under `dir`, relative to the repository root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

const isExported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);

/** The names of a statement's declarations: one, or several for `export const a = 1, b = 2`. */
function declaredNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((declaration) => declaration.name.getText());
  }
  const name = (statement as { name?: ts.Node }).name;
  return [name?.getText() ?? "default"];
}

/** `file: name` of each exported declaration in `file` without a doc comment (re-exports are checked where declared). */
function undocumentedExports(file: string): string[] {
  const text = readFileSync(path.join(repoRoot, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  return source.statements
    .filter((statement) => isExported(statement) && ts.getJSDocCommentsAndTags(statement).length === 0)
    .flatMap((statement) => declaredNames(statement).map((name) => `${file}: ${name}`));
}

describe("doc comments", () => {
  it.each(["constructs", "server"])("are on every exported declaration under %s/", (dir) => {
    const files = sourceFiles(dir);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(undocumentedExports)).toEqual([]);
  });
});
