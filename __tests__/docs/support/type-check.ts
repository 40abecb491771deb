import * as path from "node:path";
import ts from "typescript";
import { repoRoot, TypeScriptExample } from "./markdown-examples";

/**
 * Where an example lives while it is checked, never written to disk: the repository file its first line
 * names (`// server/tools/word-count.ts`, so its relative imports resolve as they would there), else a
 * virtual file next to this one.
 */
export function virtualFileName(example: TypeScriptExample, index: number): string {
  const named = /^\/\/ ([\w./-]+\.ts)\n/.exec(example.code)?.[1];
  if (named) return path.join(repoRoot, named);
  return path.join(__dirname, "__examples__", `${example.page.replace(/[/.]/g, "_")}_${index}.ts`);
}

/**
 * Type-checks the examples as files of this repository, with the project's tsconfig and the package name
 * `cdktf-azure-mcp` resolving to `constructs/index.ts`, as it does for an importer. Returns one message per
 * diagnostic, pointing at the Markdown page and line.
 */
export function typeCheckExamples(examples: readonly TypeScriptExample[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(repoRoot, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error("tsconfig.json could not be read");
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    paths: { "cdktf-azure-mcp": [path.join(repoRoot, "constructs", "index.ts")] },
  };
  const files = new Map(examples.map((example, index) => [virtualFileName(example, index), example]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const example = files.get(fileName);
    return example
      ? ts.createSourceFile(fileName, example.code, languageVersion, true)
      : getSourceFile(fileName, languageVersion, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);

  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const example = diagnostic.file ? files.get(diagnostic.file.fileName) : undefined;
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const where = example ? `${example.page}:${example.line + line}` : diagnostic.file.fileName;
    return `${where}: ${message}`;
  });
}

/** Compiles an example to CommonJS and returns its exports; `cdktf-azure-mcp` is this repository's library. */
export function loadExample(example: TypeScriptExample, library: unknown): Record<string, unknown> {
  const { outputText } = ts.transpileModule(example.code, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  const module = { exports: {} as Record<string, unknown> };
  // The examples' imports are known only at run time; jest's require keeps one cdktf instance for all.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (id: string): unknown => (id === "cdktf-azure-mcp" ? library : require(id));
  new Function("require", "module", "exports", outputText)(load, module, module.exports);
  return module.exports;
}
