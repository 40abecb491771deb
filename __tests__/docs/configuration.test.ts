import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  documentedVariables,
  environmentVariablesRead,
  environmentVariablesUnder,
} from "./support/env-readers";
import { repoRoot } from "./support/markdown-examples";

const read = environmentVariablesUnder(path.join(repoRoot, "server"));
const documented = documentedVariables(readFileSync(path.join(repoRoot, "docs/configuration.md"), "utf8"));

describe("docs/configuration.md lists exactly the variables the server reads", () => {
  it("every variable read under server/ has a row", () => {
    const missing = [...read].filter(([name]) => !documented.includes(name));
    expect(missing.map(([name, files]) => `${name} (read in ${files.join(", ")})`)).toEqual([]);
  });

  it("every row names a variable that something under server/ reads", () => {
    expect(documented.filter((name) => !read.has(name))).toEqual([]);
  });

  it("no variable has two rows", () => {
    expect(documented.filter((name, index) => documented.indexOf(name) !== index)).toEqual([]);
  });
});

describe("the scan behind it", () => {
  it("finds every way server code reads a variable, and nothing else", () => {
    const source = `
      const PREFIX = "APP_ENV_";
      const KEY = "BY_CONSTANT";
      export function load(env: Env, other: Env) {
        const a = env.BY_PROPERTY ?? process.env.BY_PROCESS;
        const b = env["BY_ELEMENT"] ?? env[KEY];
        const c = integer(env, "BY_READER", 1, 0, 9) + optional(env, "Lower_Case_Ignored");
        const d = other.NOT_THE_ENVIRONMENT ?? this.config.env.PATH ?? label("NOT_NEXT_TO_ENV");
        for (const name of Object.keys(env)) if (name.startsWith(PREFIX)) use(name);
      }`;
    expect(environmentVariablesRead(source)).toEqual([
      "APP_ENV_<NAME>",
      "BY_CONSTANT",
      "BY_ELEMENT",
      "BY_PROCESS",
      "BY_PROPERTY",
      "BY_READER",
    ]);
  });

  it("reads the first cell of reference tables only, several names per cell included", () => {
    const markdown = [
      "| variable | default |",
      "| -------- | ------- |",
      "| `PORT` | 8000 |",
      "| `MCP_MAX_SESSIONS` / `MCP_MAX_SESSIONS_PER_CALLER` | 1000 |",
      "| `MCP_UPSTREAM_ENV_<NAME>` | — |",
      "",
      "| output | what |",
      "| ------ | ---- |",
      "| `MCP_URL_OUTPUT` | `NOT_A_ROW_OF_A_VARIABLE_TABLE` |",
    ].join("\n");
    expect(documentedVariables(markdown)).toEqual([
      "PORT",
      "MCP_MAX_SESSIONS",
      "MCP_MAX_SESSIONS_PER_CALLER",
      "MCP_UPSTREAM_ENV_<NAME>",
    ]);
  });
});
