import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./run-script";
import { allSteps, Job, parseWorkflows, ParsedWorkflow, Step } from "./workflows";

const workflows = parseWorkflows();
const ci = workflows["ci.yml"];
const deploy = workflows["deploy.yml"];
const release = workflows["release.yml"];
const deployJob = deploy.document.jobs.deploy;

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
  it("finds the three workflows", () => {
    expect(Object.keys(workflows).sort()).toEqual(["ci.yml", "deploy.yml", "release.yml"]);
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

  it("runs on pull requests, pushes to main, and when release.yml calls it", () => {
    expect(Object.keys(ci.events).sort()).toEqual(["pull_request", "push", "workflow_call"]);
    expect(ci.events.push).toEqual({ branches: ["main"] });
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
    expect(script).toMatch(/terraform -chdir="\$\{dir\}" init -backend=false/);
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

describe("deploy.yml", () => {
  const steps = deployJob.steps;

  it("runs only on pushes to main and on manual dispatch (dev or prod)", () => {
    expect(Object.keys(deploy.events).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.events.push).toEqual({ branches: ["main"] });
    const input = (deploy.document.on.workflow_dispatch as { inputs: { environment: { options: string[] } } })
      .inputs;
    expect(input.environment.options).toEqual(["dev", "prod"]);
    for (const job of Object.values(deploy.document.jobs))
      expect(job.if).toBe("github.ref == 'refs/heads/main'");
  });

  it("may request an OIDC token and read the repository, nothing more", () => {
    expect(deploy.document.permissions).toEqual({ "id-token": "write", contents: "read" });
    for (const job of Object.values(deploy.document.jobs)) expect(job.permissions).toBeUndefined();
  });

  it("targets a GitHub environment and never runs two deploys of one environment at once", () => {
    expect(deployJob.environment).toMatchObject({ name: "${{ inputs.environment || 'dev' }}" });
    expect(deployJob.concurrency).toEqual({
      group: "${{ format('deploy-{0}', inputs.environment || 'dev') }}",
      "cancel-in-progress": false,
    });
    expect(deployJob.env?.STACK).toBe("${{ format('mcp-{0}', inputs.environment || 'dev') }}");
  });

  it("logs in with OIDC from repository variables (client, tenant, subscription)", () => {
    const logins = steps.filter(uses("azure/login"));
    expect(logins.length).toBeGreaterThan(0);
    for (const login of logins) {
      expect(login.with).toEqual({
        "client-id": "${{ vars.AZURE_CLIENT_ID }}",
        "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
        "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
      });
    }
  });

  it("lets Terraform sign in as the deployer identity with OIDC, state included (Entra auth, no account keys)", () => {
    expect(deployJob.env).toMatchObject({
      ARM_USE_OIDC: "true",
      ARM_USE_AZUREAD: "true",
      ARM_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}",
      ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
      ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}",
    });
  });

  it("fetches one access token, the smoke test's, so the masking rule above has something to check", () => {
    expect(steps.flatMap((step) => fetchedTokens(step).map(({ token }) => token))).toEqual(["MCP_TOKEN"]);
  });

  it("hands the state backend settings to the stack from repository variables", () => {
    for (const name of ["TFSTATE_RESOURCE_GROUP", "TFSTATE_STORAGE_ACCOUNT", "TFSTATE_CONTAINER"]) {
      expect(deployJob.env?.[name]).toBe(`\${{ vars.${name} }}`);
    }
  });

  it("builds, then scans the image for HIGH/CRITICAL findings, before cdktf deploy; the deploy runs the scanned digest", () => {
    const build = indexOf(
      steps,
      (s) => (s.run ?? "").includes("node .github/scripts/build-image.mjs"),
      "building the image",
    );
    expect(steps[build].id).toBe("image");
    expect(steps[build].env).toMatchObject({
      REGISTRY_NAME: "${{ steps.registry.outputs.name }}",
      LOGIN_SERVER: "${{ steps.registry.outputs.login_server }}",
      IMAGE_TAG: "${{ github.sha }}",
    });
    expect(deployJob.env).toMatchObject({ IMAGE_REPOSITORY: "mcp-server", DOCKERFILE: "server/Dockerfile" });
    const scan = indexOf(steps, uses("aquasecurity/trivy-action"), "scanning the image");
    const deployStep = indexOf(
      steps,
      runs('npx cdktf deploy "${STACK}" --auto-approve'),
      "running cdktf deploy",
    );
    expect(build).toBeLessThan(scan);
    expect(scan).toBeLessThan(deployStep);
    expect(steps[scan].with).toMatchObject({
      "scan-type": "image",
      "image-ref": "${{ steps.image.outputs.ref }}",
      severity: "HIGH,CRITICAL",
      "exit-code": "1",
    });
    expect(steps[deployStep].env?.MCP_SERVER_IMAGE).toBe("${{ steps.image.outputs.ref }}");
    for (const step of steps.slice(build, deployStep + 1)) {
      expect(step["continue-on-error"]).toBeUndefined();
      expect(step.if === undefined || step.if === "always()").toBe(true);
    }
    expect(steps.slice(0, deployStep).some((s) => (s.run ?? "").includes("cdktf deploy"))).toBe(false);
  });

  it("smoke tests the deployment after cdktf deploy with a token for the server's identifier URI", () => {
    const deployStep = indexOf(steps, (s) => (s.run ?? "").includes("cdktf deploy"), "cdktf deploy");
    const smoke = indexOf(
      steps,
      (s) => (s.run ?? "").includes("node .github/scripts/smoke-test.mjs"),
      "smoke test",
    );
    expect(smoke).toBeGreaterThan(deployStep);
    expect(steps[smoke].run).toContain('az account get-access-token --resource "${IDENTIFIER_URI}"');
    expect(steps[smoke].env).toMatchObject({
      MCP_URL: "${{ steps.outputs.outputs.mcp_url }}",
      // The smoke test checks what the deployed Easy Auth mode promises, read from the stack output.
      EASY_AUTH_UNAUTHENTICATED_ACTION: "${{ steps.outputs.outputs.easy_auth_unauthenticated_action }}",
    });
    const outputsStep = steps.find((s) => s.id === "outputs");
    expect(outputsStep?.run).toContain(".easy_auth_unauthenticated_action.value");
    expect(outputsStep?.run).toContain(
      'echo "easy_auth_unauthenticated_action=${action}" >> "${GITHUB_OUTPUT}"',
    );
    expect(steps[smoke]["continue-on-error"]).toBeUndefined();
    expect(existsSync(join(repoRoot, ".github", "scripts", "smoke-test.mjs"))).toBe(true);
  });
});

describe("release.yml", () => {
  const publish = release.document.jobs.publish;
  const steps = publish.steps;

  it("runs only on version tags", () => {
    expect(Object.keys(release.events)).toEqual(["push"]);
    expect(release.events.push).toEqual({ tags: ["v*.*.*"] });
  });

  it("publishes only after the whole of ci.yml, called as a reusable workflow", () => {
    expect(release.document.jobs.ci.uses).toBe("./.github/workflows/ci.yml");
    expect(publish.needs).toBe("ci");
    expect(Object.keys(release.document.jobs).sort()).toEqual(["ci", "publish"]);
  });

  it("may read the repository and request an OIDC token only in the publish job", () => {
    expect(release.document.permissions).toEqual({ contents: "read" });
    expect(publish.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(publish.environment).toBe("npm");
  });

  it("checks the tag against package.json, then publishes with provenance and no token", () => {
    const check = indexOf(steps, (s) => (s.run ?? "").includes('"v${version}"'), "checking the tag");
    const publishStep = indexOf(steps, runs("npm publish --provenance --access public"), "npm publish");
    expect(check).toBeLessThan(publishStep);
    expect(indexOf(steps, runs("npm ci"), "npm ci")).toBeLessThan(publishStep);
    const npmUpgrade = steps.find((s) => /npm install --global npm@(\d+)\.(\d+)\.(\d+)$/.test(s.run ?? ""));
    const [major, minor, patch] = (/npm@(\d+)\.(\d+)\.(\d+)/.exec(npmUpgrade?.run ?? "") ?? [])
      .slice(1)
      .map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(11_005_001); // trusted publishing
    expect(steps.find(uses("actions/setup-node"))?.with?.["registry-url"]).toBe("https://registry.npmjs.org");
    for (const step of steps) {
      expect(step.env?.NODE_AUTH_TOKEN).toBeUndefined();
      expect(step["continue-on-error"]).toBeUndefined();
    }
  });

  it("packs a package whose prepack builds what it publishes", () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.prepack).toMatch(/^npm run build && /);
  });
});
