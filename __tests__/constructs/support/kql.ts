import { WORKSPACE_SCHEMA } from "../fixtures/workspace-schema";

/* eslint-disable @typescript-eslint/no-require-imports */
// The language service is a Bridge.NET build: bridge.js defines the runtime, then the library registers
// `Kusto.Language` on the global object.
require("@kusto/language-service-next/bridge.min.js");
require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
/* eslint-enable @typescript-eslint/no-require-imports */

/** The few members of the Bridge.NET API used here (its d.ts declares global namespaces, not a module). */
interface KustoLanguage {
  Symbols: {
    TableSymbol: { $ctor7: new (name: string, schema: string, description: null) => unknown };
    DatabaseSymbol: { $ctor1: new (name: string, members: unknown[], isOpen: boolean) => unknown };
  };
  GlobalState: { Default: { WithDatabase(database: unknown): unknown } };
  KustoCode: {
    ParseAndAnalyze(
      text: string,
      globals: unknown,
    ): {
      GetDiagnostics(): {
        Count: number;
        getItem(i: number): { Severity: string; Message: string; Start: number };
      };
    };
  };
}

const Kusto = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;

function workspaceGlobals() {
  const tables = Object.entries(WORKSPACE_SCHEMA).map(
    ([name, schema]) => new Kusto.Symbols.TableSymbol.$ctor7(name, schema, null),
  );
  const database = new Kusto.Symbols.DatabaseSymbol.$ctor1("workspace", tables, false);
  return Kusto.GlobalState.Default.WithDatabase(database);
}

const globals = workspaceGlobals();

/** The errors the language service finds in `query` against the workspace schema; empty when it is sound. */
export function kqlErrors(query: string): string[] {
  const code = Kusto.KustoCode.ParseAndAnalyze(query, globals);
  const diagnostics = code.GetDiagnostics();
  const errors: string[] = [];
  for (let i = 0; i < diagnostics.Count; i++) {
    const diagnostic = diagnostics.getItem(i);
    if (diagnostic.Severity === "Error") errors.push(`${diagnostic.Message} (at ${diagnostic.Start})`);
  }
  return errors;
}
