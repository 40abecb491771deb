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

const hasDoc = (node: ts.Node): boolean => ts.getJSDocCommentsAndTags(node).length > 0;

/** Members a user of the class or interface sees: not private, protected, `#private` or the constructor. */
function publicMembers(statement: ts.Statement): readonly ts.ClassElement[] | readonly ts.TypeElement[] {
  if (!ts.isClassDeclaration(statement) && !ts.isInterfaceDeclaration(statement)) return [];
  const members: readonly (ts.ClassElement | ts.TypeElement)[] = statement.members;
  return members.filter((member) => {
    if (ts.isConstructorDeclaration(member) || (member.name && ts.isPrivateIdentifier(member.name)))
      return false;
    const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
    return !modifiers.some(
      (modifier) =>
        modifier.kind === ts.SyntaxKind.PrivateKeyword || modifier.kind === ts.SyntaxKind.ProtectedKeyword,
    );
  }) as readonly ts.ClassElement[];
}

/**
 * `file: name` of each exported declaration in `file` without a doc comment (re-exports are checked where
 * declared), and with `members` of each public member of its exported classes and interfaces too.
 */
function undocumentedExports(file: string, members: boolean): string[] {
  const text = readFileSync(path.join(repoRoot, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  return source.statements.filter(isExported).flatMap((statement) => {
    const own = hasDoc(statement) ? [] : declaredNames(statement).map((name) => `${file}: ${name}`);
    const inner = members
      ? publicMembers(statement)
          .filter((member) => !hasDoc(member))
          .map((member) => `${file}: ${declaredNames(statement)[0]}.${member.name?.getText() ?? "[index]"}`)
      : [];
    return [...own, ...inner];
  });
}

describe("doc comments", () => {
  it.each(["constructs", "server"])("are on every exported declaration under %s/", (dir) => {
    const files = sourceFiles(dir);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((file) => undocumentedExports(file, false))).toEqual([]);
  });

  it("are on every public member of the server's exported classes and interfaces", () => {
    const files = sourceFiles("server");
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((file) => undocumentedExports(file, true))).toEqual([]);
  });

  it("are on every public member of the library's classes and interfaces (constructs/, not private/)", () => {
    const files = sourceFiles("constructs").filter((file) => !file.includes(`${path.sep}private${path.sep}`));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((file) => undocumentedExports(file, true))).toEqual([]);
  });
});
