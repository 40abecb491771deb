import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** Environment variable names are UPPER_SNAKE; a prefix (e.g. `MCP_UPSTREAM_ENV_`) ends with `_`. */
const NAME = /^[A-Z][A-Z0-9_]*$/;

/** `env` or `process.env`: the two ways server code holds the environment. */
function isEnv(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === "env";
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === "env" &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === "process"
  );
}

/** The string a literal or a file-level `const X = "..."` holds, if any. */
function stringValue(node: ts.Expression, constants: ReadonlyMap<string, string>): string | undefined {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isIdentifier(node)) return constants.get(node.text);
  return undefined;
}

/**
 * The variables a TypeScript source reads: `env.X`, `process.env.X`, `env["X"]`, a reader called with
 * `(env, "X", ...)` (`integer`, `optional`, `list`, ...), and `<name>.startsWith(PREFIX)` for a prefix family,
 * reported as `PREFIX<NAME>`.
 */
export function environmentVariablesRead(source: string): string[] {
  const file = ts.createSourceFile("source.ts", source, ts.ScriptTarget.Latest, true);
  const constants = new Map<string, string>();
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && isEnv(node.expression) && NAME.test(node.name.text)) {
      found.add(node.name.text);
    }
    if (ts.isElementAccessExpression(node) && isEnv(node.expression)) {
      const name = stringValue(node.argumentExpression, constants);
      if (name !== undefined && NAME.test(name)) found.add(name);
    }
    if (ts.isCallExpression(node)) {
      const args = node.arguments;
      args.forEach((arg, index) => {
        const next = args[index + 1];
        const name = isEnv(arg) && next ? stringValue(next, constants) : undefined;
        if (name !== undefined && NAME.test(name)) found.add(name);
      });
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === "startsWith" && args[0]) {
        const prefix = stringValue(args[0], constants);
        if (prefix !== undefined && NAME.test(prefix) && prefix.endsWith("_")) found.add(`${prefix}<NAME>`);
      }
    }
    ts.forEachChild(node, visit);
  };
  // Constants first, so a reader that comes before its constant's declaration still resolves it.
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      if (ts.isStringLiteralLike(node.initializer)) constants.set(node.name.text, node.initializer.text);
    }
    ts.forEachChild(node, collect);
  };
  collect(file);
  visit(file);
  return [...found].sort();
}

/** Every `.ts` file under a directory, recursively. */
function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The variables every source file under `directory` reads, each with the files that read it. */
export function environmentVariablesUnder(directory: string): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const file of sourceFiles(directory)) {
    for (const name of environmentVariablesRead(readFileSync(file, "utf8"))) {
      readers.set(name, [...(readers.get(name) ?? []), path.relative(path.dirname(directory), file)]);
    }
  }
  return readers;
}

/**
 * The variables a Markdown reference table lists: the first cell of every row of a table whose header's
 * first cell is `variable`; a cell may name several (`MCP_MAX_SESSIONS` / `MCP_MAX_SESSIONS_PER_CALLER`).
 */
export function documentedVariables(markdown: string): string[] {
  const names: string[] = [];
  let inTable = false;
  for (const line of markdown.split("\n")) {
    const cells = line.startsWith("|") ? line.split("|").map((cell) => cell.trim()) : undefined;
    if (!cells) {
      inTable = false;
      continue;
    }
    if (cells[1] === "variable") inTable = true;
    else if (inTable && !/^-+$/.test(cells[1])) {
      names.push(...[...cells[1].matchAll(/`([A-Z][A-Z0-9_]*(?:<NAME>)?)`/g)].map((match) => match[1]));
    }
  }
  return names;
}
