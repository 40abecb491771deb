// A Stryker reporter that writes each mutant's verdict as it is known, so a run stopped early (or hours
// long) still names its survivors: one JSON line per mutant in reports/mutation/tested.jsonl, and one log
// line per survivor. Stryker's own reports appear only when a run ends.
import { appendFileSync, mkdirSync } from "node:fs";
import { relative } from "node:path";
import { declareClassPlugin, PluginKind } from "@stryker-mutator/api/plugin";

const OUT = "reports/mutation/tested.jsonl";
const NOT_DETECTED = new Set(["Survived", "NoCoverage"]);

class LiveReporter {
  #last = Date.now();

  onDryRunCompleted() {
    mkdirSync("reports/mutation", { recursive: true });
    this.#last = Date.now();
  }

  onMutantTested(result) {
    const at = Date.now();
    // The same file:line:column as the HTML and JSON reports (both counted from 1).
    const { line: row, column } = result.location.start;
    const where = `${relative(process.cwd(), result.fileName)}:${row}:${column}`;
    const line = {
      where,
      mutator: result.mutatorName,
      replacement: result.replacement,
      status: result.status,
      static: result.static ?? false,
      tests: result.testsCompleted,
      msSincePrevious: at - this.#last,
    };
    this.#last = at;
    appendFileSync(OUT, `${JSON.stringify(line)}\n`);
    if (NOT_DETECTED.has(result.status)) {
      console.log(
        `${result.status.toUpperCase()} ${where} ${result.mutatorName}: ${oneLine(result.replacement)}`,
      );
    }
  }
}

function oneLine(text) {
  const flat = String(text).replace(/\s+/g, " ");
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, "live", LiveReporter)];
