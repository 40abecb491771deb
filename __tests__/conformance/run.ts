import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { parse } from "yaml";
import { loadConfig } from "../../server/config";
import { createApp } from "../../server/create-app";
import {
  Era,
  ERAS,
  type ExpectedFailure,
  readExpectedFailures,
  Target,
  writeCliBaseline,
} from "./support/expected-failures";
import { serveFixtures } from "./support/serve-fixtures";

// `npm run conformance`: @modelcontextprotocol/conformance against (1) the fixtures server, every server
// scenario of each era's requirement set (the set's not_scored ones too: tasks, pending), and (2) the bundled
// server, the scenarios any server must pass. Prints per-era totals; exits non-zero when a scenario fails
// that expected-failures.yml does not list (or a listed one passes). The CLI needs Node 22: it runs on the pinned `node` devDependency, the project on 20.
const ROOT = join(__dirname, "..", "..");
const NODE_22 = join(ROOT, "node_modules", "node", "bin", "node");
const PACKAGE = join(ROOT, "node_modules", "@modelcontextprotocol", "conformance");
const CLI = join(PACKAGE, "dist", "index.js");

/**
 * What the bundled server must pass: the scenarios that need no fixture tool,
 * and the tasks scenarios that carry a MUST for every server (-32021 for undeclared tasks methods, -32601
 * for the removed ones, -32602 for unknown task ids); their checks that call fixture tools are baselined.
 */
const BUNDLED_SCENARIOS: Record<Era, readonly string[]> = {
  "2026-07-28": [
    "server-stateless",
    "tools-list",
    "server-sse-multiple-streams",
    "sep-2164-resource-not-found",
    "http-header-validation",
    "dns-rebinding-protection",
    "input-required-result-unsupported-methods",
    "tasks-capability-negotiation",
    "tasks-dispatch-and-envelope",
    "tasks-status-notifications",
  ],
  "2025-11-25": [
    "server-initialize",
    "ping",
    "tools-list",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
  ],
};

/**
 * Bundled scenarios that need a 2025-era session (GET streams beside POST streams). The bundled server opens
 * sessions only with MCP_SESSION_MODE=stateful (one replica), so these run against a second bundled
 * instance in that mode; everything else runs against the default, stateless one.
 */
const NEEDS_SESSION: Record<Era, ReadonlySet<string>> = {
  "2026-07-28": new Set(),
  "2025-11-25": new Set(["server-sse-multiple-streams"]),
};

interface ScenarioResult {
  readonly scenario: string;
  /** The CLI's verdict: no failed check (and, for a single scenario, no warning). */
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
}

interface Requirements {
  /**
   * The set's `not_scored` server scenarios (extensions such as tasks, and scenarios pending when the set
   * froze): the CLI runs and reports them but never fails on them, so this script scores them itself.
   */
  readonly alsoScored: ReadonlySet<string>;
  /** Extension scenarios: a `--scenario` run needs `--force` for them. */
  readonly extensions: ReadonlySet<string>;
}

/**
 * What a revision's requirement set (the package's frozen requirements/<era>.yaml) says beyond its `server`
 * list, which the CLI scores itself.
 */
function requirementsOf(era: Era): Requirements {
  const requirements = parse(readFileSync(join(PACKAGE, "requirements", `${era}.yaml`), "utf8")) as {
    not_scored?: { scenario: string; leg: string; reason: string }[];
  };
  const notScored = (requirements.not_scored ?? []).filter((entry) => entry.leg === "server");
  return {
    alsoScored: new Set(notScored.map((entry) => entry.scenario)),
    extensions: new Set(notScored.filter((e) => e.reason === "extension").map((e) => e.scenario)),
  };
}

/**
 * The failures the CLI's exit code does not see: a scenario of `alsoScored` that fails without an
 * expected-failures entry naming it whole, or that passes although one does (a stale entry).
 */
function unexpectedOutcomes(
  results: readonly ScenarioResult[],
  alsoScored: ReadonlySet<string>,
  expected: readonly ExpectedFailure[],
): string[] {
  const tolerated = new Set(expected.map((failure) => failure.scenario));
  return results
    .filter((r) => alsoScored.has(r.scenario) && r.ok === tolerated.has(r.scenario))
    .map((r) => (r.ok ? `${r.scenario} passes but is listed as expected to fail` : `${r.scenario} failed`));
}

/**
 * The per-scenario lines of a multi-scenario run, or the "Passed:" line of a `--scenario` run. A scenario is
 * ok when the CLI would not count it as failing (no failed check, no warning).
 */
function parseResults(output: string, scenario: string | undefined): ScenarioResult[] {
  if (scenario !== undefined) {
    const m = /^Passed: (\d+)\/\d+, (\d+) failed, (\d+) warnings/m.exec(output);
    const [passed, failed, warnings] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 1, 0];
    return [{ scenario, ok: failed === 0 && warnings === 0, passed, failed }];
  }
  // The baseline report lists failing scenarios again, warnings included: "  ~ name" (expected), "  ✗ name".
  const reported = new Set([...output.matchAll(/^\s+[~✗] ([\w/-]+)$/gmu)].map((m) => m[1]));
  return [...output.matchAll(/^([✓✗]) ([\w/-]+): (\d+) passed, (\d+) failed$/gmu)].map((m) => ({
    scenario: m[2],
    ok: m[1] === "✓" && !reported.has(m[2]),
    passed: Number(m[3]),
    failed: Number(m[4]),
  }));
}

/** Runs the CLI, echoing its output; resolves with its exit code and the per-scenario results. */
function runCli(args: string[]): Promise<{ code: number; results: ScenarioResult[] }> {
  const child = spawn(NODE_22, [CLI, "server", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    process.stdout.write(chunk);
  });
  return new Promise((resolve) =>
    child.once("close", (code) => {
      const scenario = args.includes("--scenario") ? args[args.indexOf("--scenario") + 1] : undefined;
      resolve({ code: code ?? 1, results: parseResults(output, scenario) });
    }),
  );
}

async function listen(app: ReturnType<typeof createApp>): Promise<{ url: string; close: () => void }> {
  const http = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  return {
    url: `http://localhost:${(http.address() as AddressInfo).port}/mcp`,
    close: () => {
      http.closeAllConnections();
      http.close();
    },
  };
}

interface Totals {
  scenariosPassed: number;
  scenarios: number;
  checksPassed: number;
  checksFailed: number;
}

function total(results: readonly ScenarioResult[], counted: (scenario: string) => boolean): Totals {
  const scored = results.filter((r) => counted(r.scenario));
  return {
    scenariosPassed: scored.filter((r) => r.ok).length,
    scenarios: scored.length,
    checksPassed: scored.reduce((sum, r) => sum + r.passed, 0),
    checksFailed: scored.reduce((sum, r) => sum + r.failed, 0),
  };
}

const describeTotals = (t: Totals): string =>
  `${t.scenariosPassed}/${t.scenarios} scenarios pass (${t.checksPassed} checks passed, ${t.checksFailed} failed)`;

async function main(): Promise<void> {
  if (!existsSync(NODE_22)) {
    throw new Error(
      `${NODE_22} is missing: the 'node' devDependency (Node 22, for the conformance CLI) installs it in its ` +
        `preinstall script; run npm ci without --ignore-scripts`,
    );
  }
  const expected = readExpectedFailures(join(__dirname, "fixtures", "expected-failures.yml"));
  const baselines = mkdtempSync(join(tmpdir(), "conformance-"));
  const baseline = (target: Target, era: Era): string =>
    writeCliBaseline(baselines, target, era, expected[target][era]);
  const fixtures = await serveFixtures(0);
  const silent = { logger: pino({ level: "silent" }) };
  const bundled = await listen(createApp(loadConfig({}), undefined, silent));
  const bundledStateful = await listen(
    createApp(loadConfig({ MCP_SESSION_MODE: "stateful" }), undefined, silent),
  );
  const summary: string[] = [];
  let failed = false;
  try {
    for (const era of ERAS) {
      const requirements = requirementsOf(era);
      console.log(`\n== ${era}: fixtures server (${fixtures.url}), requirement set ${era} ==`);
      const run = await runCli([
        "--url",
        fixtures.url,
        "--requirements",
        era,
        "--expected-failures",
        baseline("fixtures", era),
      ]);
      const unexpected = unexpectedOutcomes(run.results, requirements.alsoScored, expected.fixtures[era]);
      for (const problem of unexpected) console.log(`UNEXPECTED (${era}, fixtures): ${problem}`);
      failed ||= run.code !== 0 || unexpected.length > 0;
      summary.push(`${era}  fixtures: ${describeTotals(total(run.results, () => true))}`);
      const bundledResults: ScenarioResult[] = [];
      for (const scenario of BUNDLED_SCENARIOS[era]) {
        const stateful = NEEDS_SESSION[era].has(scenario);
        const target = stateful ? bundledStateful : bundled;
        console.log(
          `\n== ${era}: bundled server (${target.url}${stateful ? ", MCP_SESSION_MODE=stateful" : ""}), ${scenario} ==`,
        );
        const one = await runCli([
          "--url",
          target.url,
          "--scenario",
          scenario,
          "--spec-version",
          era,
          ...(requirements.extensions.has(scenario) ? ["--force"] : []),
          "--expected-failures",
          baseline("bundled", era),
        ]);
        failed ||= one.code !== 0;
        bundledResults.push(...one.results);
      }
      summary.push(`${era}  bundled:  ${describeTotals(total(bundledResults, () => true))}`);
    }
  } finally {
    await fixtures.close();
    bundled.close();
    bundledStateful.close();
    rmSync(baselines, { recursive: true, force: true });
  }
  console.log(
    `\n== conformance totals (expected failures: __tests__/conformance/fixtures/expected-failures.yml) ==`,
  );
  for (const line of summary) console.log(line);
  console.log(failed ? "FAILED: a scored scenario failed unexpectedly, or an expected failure passed" : "OK");
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
