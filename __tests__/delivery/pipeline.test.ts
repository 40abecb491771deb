import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { repoRoot } from "./support/run-script";
import { Job, parseWorkflows, Step } from "./support/workflows";

const workflows = parseWorkflows();
const deploy = workflows["deploy.yml"];
const environment = workflows["deploy-environment.yml"];
const release = workflows["release.yml"];
const locks = workflows["provider-locks.yml"];
const { synth, plan, apply } = environment.document.jobs;

const runLines = (step: Step): string[] => (step.run ?? "").split("\n").map((line) => line.trim());
const uses = (action: string) => (step: Step) => (step.uses ?? "").startsWith(`${action}@`);
const script = (job: Job): string => (job.steps ?? []).map((step) => step.run ?? "").join("\n");

function stepIndex(job: Job, predicate: (step: Step) => boolean, what: string): number {
  const index = job.steps.findIndex(predicate);
  if (index < 0)
    throw new Error(`no step ${what} in [${job.steps.map((s) => s.name ?? s.uses).join(" | ")}]`);
  return index;
}
const running = (text: string) => (step: Step) => (step.run ?? "").includes(text);

const everyJob = Object.entries(workflows).flatMap(([file, workflow]) =>
  Object.entries(workflow.document.jobs).map(([id, job]) => ({ file, id, job })),
);
const tokenJobs = everyJob.filter(({ job }) => job.permissions?.["id-token"] === "write" && !job.uses);

describe("OIDC tokens and install scripts", () => {
  it("no workflow grants a permission at workflow level: each job asks for its own", () => {
    for (const [file, workflow] of Object.entries(workflows)) {
      expect([file, workflow.document.permissions]).toEqual([file, {}]);
    }
    for (const { file, id, job } of everyJob)
      expect([file, id, job.permissions]).toEqual([file, id, expect.any(Object)]);
  });

  it("the jobs that can mint a token are exactly image, plan, apply and publish", () => {
    expect(tokenJobs.map(({ file, id }) => `${file}#${id}`).sort()).toEqual([
      "deploy-environment.yml#apply",
      "deploy-environment.yml#plan",
      "deploy.yml#image",
      "release.yml#publish",
    ]);
  });

  it.each(tokenJobs.map(({ file, id, job }) => [`${file}#${id}`, job] as const))(
    "%s runs no npm install, npm script, npx or package-manager cache",
    (_name, job) => {
      for (const step of job.steps) {
        for (const line of runLines(step)) {
          expect(line).not.toMatch(/\bnpm (ci|install|i|run|exec|rebuild)\b|\bnpx\b|\byarn\b|\bpnpm\b/);
          if (/\bnpm publish\b/.test(line)) expect(line).toContain("--ignore-scripts");
        }
        if (uses("actions/setup-node")(step)) {
          expect(step.with?.cache).toBeUndefined();
          expect(step.with?.["package-manager-cache"]).toBe("false");
        }
      }
    },
  );

  it("npm ci runs only in jobs without id-token", () => {
    const installing = everyJob.filter(({ job }) => /\bnpm ci\b/.test(script(job)));
    expect(installing.length).toBeGreaterThanOrEqual(4);
    for (const { file, id, job } of installing)
      expect([file, id, job.permissions?.["id-token"]]).toEqual([file, id, undefined]);
  });

  it("nothing installs npm (or anything) globally outside the lockfile", () => {
    for (const { job } of everyJob) expect(script(job)).not.toMatch(/npm (install|i) (-g|--global)/);
  });

  it("no run script interpolates an expression (inputs reach scripts through env)", () => {
    const interpolating = everyJob.flatMap(({ file, id, job }) =>
      (job.steps ?? [])
        .filter((step) => (step.run ?? "").includes("${{"))
        .map((step) => `${file}#${id}: ${step.name}`),
    );
    expect(interpolating).toEqual([]);
  });
});

describe("deploy.yml: one commit, tested, built once, promoted", () => {
  it("runs on pushes to main except documentation-only ones, and by hand", () => {
    expect(Object.keys(deploy.events).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(deploy.events.push).toMatchObject({ branches: ["main"] });
    expect((deploy.document.on.push as { "paths-ignore": string[] })["paths-ignore"]).toEqual(
      expect.arrayContaining(["docs/**", "**/*.md"]),
    );
  });

  it("deploys only after ci.yml passed on the same commit, in the same run", () => {
    const { ci, image, dev, prod } = deploy.document.jobs;
    expect(ci.uses).toBe("./.github/workflows/ci.yml");
    expect(image.needs).toBe("ci");
    expect(dev.needs).toBe("image");
    expect(prod.needs).toEqual(["image", "dev"]);
  });

  it("builds the image once, in dev's registry, after checking the base image is pinned, and scans it", () => {
    const { image } = deploy.document.jobs;
    expect(image.environment).toBe("dev");
    const pinned = stepIndex(image, running("@sha256:[0-9a-f]{64}"), "checking the base image digest");
    const build = stepIndex(image, running("node .github/scripts/build-image.mjs"), "building");
    const scan = stepIndex(image, uses("aquasecurity/trivy-action"), "scanning");
    expect(pinned).toBeLessThan(build);
    expect(build).toBeLessThan(scan);
    expect(image.steps[scan].with).toMatchObject({ "exit-code": "1", severity: "HIGH,CRITICAL" });
    expect(image.outputs?.digest).toBe("${{ steps.image.outputs.digest }}");
  });

  it("prod deploys the digest dev deployed, copied from dev's registry, never rebuilt", () => {
    const { dev, prod } = deploy.document.jobs;
    expect(dev.with).toEqual({ environment: "dev", "image-digest": "${{ needs.image.outputs.digest }}" });
    expect(prod.with).toEqual({
      environment: "prod",
      "image-digest": "${{ needs.image.outputs.digest }}",
      "promote-from": "${{ needs.image.outputs.login-server }}",
    });
    const copy = apply.steps[stepIndex(apply, running("az acr import"), "copying the image")];
    expect(copy.if).toBe("inputs.promote-from != ''");
    expect(copy.run).toContain('--source "${SOURCE_LOGIN_SERVER}/mcp-server@${IMAGE_DIGEST}"');
    expect(copy.env).toMatchObject({
      SOURCE_LOGIN_SERVER: "${{ inputs.promote-from }}",
      IMAGE_DIGEST: "${{ inputs.image-digest }}",
    });
    expect(script(apply) + script(plan)).not.toMatch(/build-image|acr build|docker build/);
    // The stack runs <its own registry>/mcp-server@<that digest>.
    expect(synth.steps.find(running("npm run synth"))?.env?.MCP_SERVER_IMAGE_DIGEST).toBe(
      "${{ inputs.image-digest }}",
    );
  });
});

describe("deploy-environment.yml: the plan reviewers approve is the plan applied", () => {
  it("synthesizes without id-token, plans as the read-only identity, applies as the deployer after approval", () => {
    expect(synth.permissions).toEqual({ contents: "read" });
    expect(synth.environment).toBe("${{ format('{0}-plan', inputs.environment) }}");
    expect(plan.environment).toBe("${{ format('{0}-plan', inputs.environment) }}");
    expect(plan.needs).toBe("synth");
    expect(apply.environment).toMatchObject({ name: "${{ inputs.environment }}" });
    expect(apply.needs).toBe("plan");
  });

  it("writes a saved plan, a readable summary for reviewers, and uploads the plan next to the state", () => {
    const planStep = plan.steps[stepIndex(plan, running("terraform -chdir=stack plan"), "planning")];
    expect(planStep.run).toContain("-lock=false -out=tfplan");
    expect(planStep.run).toContain(
      'node .github/scripts/plan-summary.mjs "${RUNNER_TEMP}/plan.json" "${STACK}" >> "${GITHUB_STEP_SUMMARY}"',
    );
    expect(planStep.run).toContain("terraform -chdir=stack show -no-color tfplan");
    const upload = plan.steps[stepIndex(plan, running("az storage blob upload"), "uploading the plan")];
    expect(upload.run).toContain("--auth-mode login");
    expect(plan.outputs).toMatchObject({
      "plan-blob": "${{ steps.upload.outputs.blob }}",
      "plan-sha256": "${{ steps.plan.outputs.sha256 }}",
    });
    // A saved plan holds secrets: it never becomes a workflow artifact.
    expect(plan.steps.some(uses("actions/upload-artifact"))).toBe(false);
    expect(apply.steps.some(uses("actions/upload-artifact"))).toBe(false);
  });

  it("applies exactly that file: checks its sha256, refuses when the state moved, never auto-approves", () => {
    const fetch = stepIndex(apply, running("az storage blob download"), "fetching the plan");
    expect(apply.steps[fetch].run).toContain('if [ "${actual}" != "${PLAN_SHA256}" ]; then');
    expect(apply.env?.PLAN_SHA256).toBe("${{ needs.plan.outputs.plan-sha256 }}");
    const moved = stepIndex(apply, running('if [ "${planned}" != "${current}" ]; then'), "comparing states");
    expect(apply.steps[moved].run).toContain("terraform -chdir=stack state pull | jq -c '{lineage, serial}'");
    expect(script(plan)).toContain(
      "terraform -chdir=stack state pull | jq -e -c '{lineage, serial}' > plan-base.json",
    );
    const applyStep = stepIndex(apply, running("terraform -chdir=stack apply"), "applying");
    expect(apply.steps[applyStep].run).toBe("terraform -chdir=stack apply -input=false -no-color tfplan");
    expect(fetch).toBeLessThan(moved);
    expect(moved).toBeLessThan(applyStep);
    for (const { job } of everyJob) {
      expect(script(job)).not.toMatch(/auto-approve|cdktf deploy|-target=/);
    }
  });

  it("initializes with the committed provider lock file read-only in plan and apply", () => {
    for (const job of [plan, apply]) {
      expect(script(job)).toContain(
        "if [ -f stack/.terraform.lock.hcl ]; then lockfile=(-lockfile=readonly); fi",
      );
      expect(script(job)).toContain('terraform -chdir=stack init -input=false -no-color "${lockfile[@]}"');
    }
    const upload = synth.steps.find(uses("actions/upload-artifact"));
    expect(upload?.with?.["include-hidden-files"]).toBe("true");
  });

  it("smoke tests after the apply and rolls back to the image the plan job found, saying so in the summary", () => {
    const applyStep = stepIndex(apply, running("terraform -chdir=stack apply"), "applying");
    const smoke = stepIndex(apply, running("node .github/scripts/smoke-test.mjs"), "smoke test");
    const rollback = stepIndex(apply, running("node .github/scripts/rollback.mjs"), "rollback");
    expect(applyStep).toBeLessThan(smoke);
    expect(smoke).toBeLessThan(rollback);
    expect(apply.steps[smoke].id).toBe("smoke");
    expect(apply.steps[rollback].if).toBe("failure() && steps.smoke.outcome == 'failure'");
    expect(apply.steps[rollback].env).toEqual({
      PREVIOUS_IMAGE: "${{ needs.plan.outputs.previous-image }}",
      CONTAINER_APP: "${{ needs.plan.outputs.container-app }}",
      RESOURCE_GROUP: "${{ needs.plan.outputs.resource-group }}",
    });
    const current = plan.steps.find((step) => step.id === "current");
    expect(current?.run).toContain("for name in server_image container_app_name resource_group; do");
  });

  it("signs in with OIDC from the GitHub environment's variables, Terraform and az alike", () => {
    for (const job of [plan, apply]) {
      expect(job.env).toMatchObject({
        ARM_USE_OIDC: "true",
        ARM_USE_AZUREAD: "true",
        ARM_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}",
      });
      for (const login of job.steps.filter(uses("azure/login"))) {
        expect(login.with?.["client-id"]).toBe("${{ vars.AZURE_CLIENT_ID }}");
      }
    }
  });
});

describe("release.yml", () => {
  const { pack, publish } = release.document.jobs;

  it("runs on version tags after ci.yml; packs without a token, publishes the packed tarball with one", () => {
    expect(release.events.push).toEqual({ tags: ["v*.*.*"] });
    expect(pack.needs).toBe("ci");
    expect(publish.needs).toBe("pack");
    expect(pack.permissions).toEqual({ contents: "read" });
    expect(publish.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(publish.environment).toBe("npm");
    expect(script(pack)).toContain("npm pack --pack-destination");
    expect(publish.steps.some(uses("actions/checkout"))).toBe(false);
    expect(script(publish)).toContain(
      "npm publish package/*.tgz --provenance --access public --ignore-scripts",
    );
  });

  it("checks the tag against package.json before packing, and npm's trusted-publishing version before publishing", () => {
    expect(stepIndex(pack, running('"v${version}"'), "tag check")).toBeLessThan(
      stepIndex(pack, running("npm pack"), "npm pack"),
    );
    expect(script(publish)).toContain(">= 11005001");
    expect(publish.steps.find(uses("actions/setup-node"))?.with?.["node-version"]).toBe("24");
  });
});

describe("pins: provider lock files, base image digest, action SHAs", () => {
  it("provider-locks.yml locks every stack for linux and darwin and proposes the files as a pull request", () => {
    const lock = locks.document.jobs.lock;
    expect(locks.document.jobs.synth.permissions).toEqual({ contents: "read" });
    expect(lock.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    expect(script(lock)).toContain(
      "-platform=linux_amd64 -platform=linux_arm64 -platform=darwin_amd64 -platform=darwin_arm64",
    );
    expect(script(lock)).toContain(
      'cp "${dir}/.terraform.lock.hcl" "stacks/locks/${stack}.terraform.lock.hcl"',
    );
    expect(script(lock)).toContain("docker buildx imagetools inspect");
    expect(script(lock)).toContain("gh pr create");
    expect(script(lock)).not.toMatch(/\bnpm\b/);
    expect(locks.document.jobs.synth.steps.find(running("npm run synth"))?.env).toEqual({
      MCP_PROVIDER_LOCKS: "generate",
    });
  });

  it("the base image the lock workflow pins is the one the Dockerfile uses", () => {
    const dockerfile = readFileSync(join(repoRoot, "server", "Dockerfile"), "utf8");
    const bases = [...dockerfile.matchAll(/^FROM ([^\s@]+)/gm)].map((match) => match[1]);
    expect(new Set(bases)).toEqual(new Set([locks.document.jobs.lock.env?.BASE_IMAGE]));
  });

  it("Dependabot updates the action SHAs and the base image digest", () => {
    const config = parse(readFileSync(join(repoRoot, ".github", "dependabot.yml"), "utf8")) as {
      updates: { "package-ecosystem": string; directory: string }[];
    };
    expect(config.updates.map((update) => [update["package-ecosystem"], update.directory])).toEqual([
      ["github-actions", "/"],
      ["docker", "/server"],
    ]);
  });

  // Majors whose action.yml says `using: node24` (read from each action's repository at the pinned tag).
  const NODE24_MAJORS: Record<string, number> = {
    "actions/checkout": 5,
    "actions/setup-node": 5,
    "actions/upload-artifact": 6,
    "actions/download-artifact": 7,
    "hashicorp/setup-terraform": 4,
    "azure/login": 3,
  };

  it.each(Object.keys(workflows))("%s uses the node24 majors of JavaScript actions", (file) => {
    const text = readFileSync(join(repoRoot, ".github", "workflows", file), "utf8");
    for (const match of text.matchAll(/uses: ([\w-]+\/[\w-]+)@[0-9a-f]{40} # v(\d+)\./g)) {
      const [, action, major] = match;
      if (action in NODE24_MAJORS) expect([action, Number(major)]).toEqual([action, expect.any(Number)]);
      if (action in NODE24_MAJORS) expect(Number(major)).toBeGreaterThanOrEqual(NODE24_MAJORS[action]);
    }
  });

  it("ci.yml runs actionlint and zizmor, installed from exact releases", () => {
    const lint = workflows["ci.yml"].document.jobs["workflow-lint"];
    expect(lint.env?.ACTIONLINT_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lint.env?.ZIZMOR_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(script(lint)).toContain(
      'go install "github.com/rhysd/actionlint/cmd/actionlint@v${ACTIONLINT_VERSION}"',
    );
    expect(script(lint)).toContain('pipx install "zizmor==${ZIZMOR_VERSION}"');
    expect(script(lint)).toMatch(/^actionlint\b/m);
    expect(script(lint)).toMatch(/^zizmor\b.*\.github\/workflows/m);
  });
});
