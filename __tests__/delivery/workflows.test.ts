import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./support/run-script";
import { allSteps, Job, parseWorkflows, ParsedWorkflow, Step } from "./support/workflows";

const workflows = parseWorkflows();
const ci = workflows["ci.yml"];

function indexOf(steps: readonly Step[], predicate: (step: Step) => boolean, what: string): number {
  const index = steps.findIndex(predicate);
  if (index < 0)
    throw new Error(`no step ${what} in [${steps.map((s) => s.name ?? s.uses ?? s.run).join(" | ")}]`);
  return index;
}

const runLines = (step: Step): string[] => (step.run ?? "").split("\n").map((line) => line.trim());
const runs = (command: string) => (step: Step) => runLines(step).includes(command);
const uses = (action: string) => (step: Step) => (step.uses ?? "").startsWith(`${action}@`);

/** Variables a run script fills with `az account get-access-token`, and the line that does it. */
function fetchedTokens(step: Step): { token: string; line: number }[] {
  return runLines(step).flatMap((text, line) => {
    const token = /^(\w+)="\$\(az account get-access-token\b/.exec(text)?.[1];
    return token ? [{ token, line }] : [];
  });
}

/** The README's test command: the line of its quick start code block that runs the tests. */
function readmeTestCommand(): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const quickStart = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme);
  if (!quickStart) throw new Error("README.md has no '## Quick start' section with a ```sh block");
  const command = quickStart[1].split("\n").find((line) => /\btest\b/.test(line));
  if (!command) throw new Error("README.md's quick start block has no test command");
  return command.trim();
}

describe("every workflow", () => {
  it("finds the five workflows", () => {
    expect(Object.keys(workflows).sort()).toEqual([
      "ci.yml",
      "deploy-environment.yml",
      "deploy.yml",
      "provider-locks.yml",
      "release.yml",
    ]);
  });

  it.each(Object.keys(workflows))("%s is valid for GitHub's workflow parser", (file) => {
    expect(workflows[file].errors).toEqual([]);
  });

  it("the parser check can fail: an invalid workflow yields errors", () => {
    const directory = mkdtempSync(join(tmpdir(), "workflows-"));
    writeFileSync(
      join(directory, "bad.yml"),
      "on: push\njobs:\n  x:\n    runs_on: ubuntu-latest\n    steps: []\n",
    );
    const parsed: ParsedWorkflow = parseWorkflows(directory)["bad.yml"];
    expect(parsed.errors.join("\n")).toMatch(/runs_on|runs-on/);
  });

  it.each(Object.keys(workflows))(
    "%s pins every action: full SHA with a version comment, never a branch",
    (file) => {
      const text = readFileSync(join(repoRoot, ".github", "workflows", file), "utf8");
      const references = allSteps(workflows[file]).flatMap((step) => (step.uses ? [step.uses] : []));
      expect(references.length).toBeGreaterThan(0);
      for (const reference of references) {
        expect(reference).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(text).toMatch(
          new RegExp(`${reference.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} # v\\d+\\.\\d+\\.\\d+`),
        );
      }
    },
  );

  it.each(Object.keys(workflows))("%s: every run block is valid bash", (file) => {
    for (const step of allSteps(workflows[file]).filter((s) => s.run !== undefined)) {
      // Expressions are substituted by the runner before bash sees the script.
      const script = (step.run ?? "").replace(/\$\{\{[^}]*\}\}/g, "x");
      expect(() =>
        execFileSync("bash", ["-n"], { input: script, stdio: ["pipe", "pipe", "pipe"] }),
      ).not.toThrow();
    }
  });

  it.each(Object.keys(workflows))(
    "%s checks out without leaving the GITHUB_TOKEN in .git/config (persist-credentials: false)",
    (file) => {
      const checkouts = allSteps(workflows[file]).filter(uses("actions/checkout"));
      expect(checkouts.length).toBeGreaterThan(0);
      for (const checkout of checkouts) expect(checkout.with?.["persist-credentials"]).toBe("false");
    },
  );

  it.each(Object.keys(workflows))("%s masks every access token on the line after fetching it", (file) => {
    for (const step of allSteps(workflows[file])) {
      const lines = runLines(step);
      for (const { token, line } of fetchedTokens(step)) {
        expect(lines[line + 1]).toBe(`echo "::add-mask::\${${token}}"`);
      }
    }
  });

  it("no workflow reads a stored secret or passes Azure credentials", () => {
    for (const file of readdirSync(join(repoRoot, ".github", "workflows"))) {
      const text = readFileSync(join(repoRoot, ".github", "workflows", file), "utf8");
      expect(text).not.toMatch(/secrets\./);
      expect(text).not.toMatch(/client-secret|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|\bcreds:/i);
    }
  });
});

describe("ci.yml", () => {
  const testJob: Job = ci.document.jobs.test;

  it("runs on pull requests, and when deploy.yml or release.yml calls it on the commit they ship", () => {
    expect(Object.keys(ci.events).sort()).toEqual(["pull_request", "workflow_call"]);
    for (const file of ["deploy.yml", "release.yml"]) {
      expect(workflows[file].document.jobs.ci.uses).toBe("./.github/workflows/ci.yml");
    }
  });

  it("uses Node 22 and runs npm ci, lint, build and synth", () => {
    const setupNode = testJob.steps.find(uses("actions/setup-node"));
    expect(setupNode?.with?.["node-version"]).toBe("22");
    for (const command of ["npm ci", "npm run lint", "npm run build", "npm run synth"]) {
      indexOf(testJob.steps, runs(command), `running '${command}'`);
    }
  });

  it("runs the README's test command, and so does .ci/run", () => {
    const command = readmeTestCommand();
    expect(command).toBe("npm test");
    indexOf(testJob.steps, runs(command), `running '${command}'`);
    const ciRun = readFileSync(join(repoRoot, ".ci", "run"), "utf8")
      .split("\n")
      .map((line) => line.trim());
    expect(ciRun).toContain(command);
  });

  it("runs the conformance suite after the tests, in the workflow and in .ci/run", () => {
    const test = indexOf(testJob.steps, runs("npm test"), "running 'npm test'");
    const conformance = indexOf(testJob.steps, runs("npm run conformance"), "running 'npm run conformance'");
    expect(conformance).toBeGreaterThan(test);
    const ciRun = readFileSync(join(repoRoot, ".ci", "run"), "utf8")
      .split("\n")
      .map((line) => line.trim());
    expect(ciRun.indexOf("npm run conformance")).toBeGreaterThan(ciRun.indexOf("npm test"));
  });

  it("runs the construct and stack suites on cdktn too, in a job of its own and in .ci/run", () => {
    const cdktn = ci.document.jobs.cdktn;
    const install = indexOf(cdktn.steps, runs("npm ci"), "running 'npm ci'");
    expect(indexOf(cdktn.steps, runs("npm run test:cdktn"), "running 'npm run test:cdktn'")).toBeGreaterThan(
      install,
    );
    const ciRun = readFileSync(join(repoRoot, ".ci", "run"), "utf8")
      .split("\n")
      .map((line) => line.trim());
    expect(ciRun).toContain("npm run test:cdktn");
  });

  it("uploads cdktf.out after synth", () => {
    const synth = indexOf(testJob.steps, runs("npm run synth"), "synth");
    const upload = indexOf(testJob.steps, uses("actions/upload-artifact"), "uploading the artifact");
    expect(upload).toBeGreaterThan(synth);
    expect(testJob.steps[upload].with?.path).toBe("cdktf.out");
  });

  it("validates every synthesized stack with terraform after the test job", () => {
    const validate = ci.document.jobs.validate;
    expect(validate.needs).toBe("test");
    const download = indexOf(validate.steps, uses("actions/download-artifact"), "downloading the artifact");
    const setup = indexOf(validate.steps, uses("hashicorp/setup-terraform"), "installing terraform");
    const script = validate.steps.map((step) => step.run ?? "").join("\n");
    expect(script).toContain("cdktf.out/stacks/*/");
    expect(script).toMatch(
      /terraform -chdir="\$\{dir\}" init -backend=false -input=false -no-color "\$\{lockfile\[@\]\}"/,
    );
    expect(script).toContain(
      'if [ -f "${dir}/.terraform.lock.hcl" ]; then lockfile=(-lockfile=readonly); fi',
    );
    expect(script).toMatch(/terraform -chdir="\$\{dir\}" validate/);
    expect(Math.min(download, setup)).toBeLessThan(
      validate.steps.findIndex((step) => step.run?.includes("validate")),
    );
  });

  it("gates on high and critical production advisories through the allow-list script", () => {
    const audit = ci.document.jobs.audit;
    const step =
      audit.steps[
        indexOf(audit.steps, (s) => (s.run ?? "").includes(".github/scripts/audit-gate.mjs"), "audit gate")
      ];
    expect(step["continue-on-error"]).toBeUndefined();
    expect(audit["continue-on-error"]).toBeUndefined();
    expect(step.run).toContain("--allowlist .github/audit-allowlist.json");
    expect(existsSync(join(repoRoot, ".github", "audit-allowlist.json"))).toBe(true);
  });
});
