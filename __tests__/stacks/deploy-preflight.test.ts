import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  allStacks,
  cdktfEnvironment,
  compareVersions,
  deployProblems,
  DeployRequest,
  MINIMUM_TERRAFORM_VERSION,
  stackProblems,
  terraformVersion,
  toolProblems,
} from "../../stacks/deploy-preflight";
import { pathWithoutTerraform } from "./support/path-without-terraform";

const root = path.resolve(__dirname, "..", "..");
const subscription = { ARM_SUBSCRIPTION_ID: "11111111-2222-3333-4444-555555555555" };
const terraform = (version: string) => ({
  found: true as const,
  output: JSON.stringify({ terraform_version: version, platform: "linux_amd64" }),
});

describe("deploy preflight", () => {
  it("passes with Terraform at the minimum or newer and a subscription id", () => {
    expect(deployProblems(subscription, terraform(MINIMUM_TERRAFORM_VERSION))).toEqual([]);
    expect(deployProblems(subscription, terraform("1.9.8"))).toEqual([]);
    expect(deployProblems(subscription, terraform("2.0.0-alpha1"))).toEqual([]);
  });

  it("fails when terraform is not on PATH, naming where to get it", () => {
    expect(deployProblems(subscription, { found: false })).toEqual([
      expect.stringMatching(
        /^terraform was not found on PATH: .*Terraform 1\.7 or later .*terraform\/install/,
      ),
    ]);
  });

  it("fails when terraform is older than the minimum, naming both versions", () => {
    expect(deployProblems(subscription, terraform("1.5.7"))).toEqual([
      expect.stringMatching(/^terraform 1\.5\.7 is older than 1\.7\.0, the minimum for deploys/),
    ]);
  });

  it("fails when terraform answers no version", () => {
    expect(deployProblems(subscription, { found: true, output: "Terraform v1.9.8" })).toEqual([
      expect.stringMatching(/^terraform version -json answered no version \(got 'Terraform v1\.9\.8'\)/),
    ]);
  });

  it("fails when ARM_SUBSCRIPTION_ID is unset or empty, saying how to set it", () => {
    for (const env of [{}, { ARM_SUBSCRIPTION_ID: "  " }]) {
      expect(deployProblems(env, terraform("1.9.8"))).toEqual([
        expect.stringMatching(
          /^ARM_SUBSCRIPTION_ID is not set: azurerm 4\.x .*export ARM_SUBSCRIPTION_ID="\$\(az account show --query id -o tsv\)"$/,
        ),
      ]);
    }
  });

  it("fails when ARM_SUBSCRIPTION_ID is not a GUID, naming the value", () => {
    expect(deployProblems({ ARM_SUBSCRIPTION_ID: "my-sub" }, terraform("1.9.8"))).toEqual([
      expect.stringMatching(/^ARM_SUBSCRIPTION_ID="my-sub" is not a subscription id: expected a GUID/),
    ]);
  });

  it("reads versions and compares them numerically", () => {
    expect(terraformVersion('{"terraform_version":"1.10.2"}')).toBe("1.10.2");
    expect(terraformVersion("not json")).toBeUndefined();
    expect(compareVersions("1.10.0", "1.6.0")).toBeGreaterThan(0);
    expect(compareVersions("1.6.0", "1.6.0")).toBe(0);
    expect(compareVersions("0.15.5", "1.6.0")).toBeLessThan(0);
  });

  describe("with a deploy request", () => {
    const noLocks = mkdtempSync(path.join(tmpdir(), "locks-"));
    const request = (overrides: Partial<DeployRequest> = {}): DeployRequest => ({
      command: "deploy",
      stacks: ["mcp-prod"],
      allStacks: ["mcp-dev", "mcp-prod", "mcp-bootstrap"],
      locksDirectory: noLocks,
      ...overrides,
    });
    const remote = { ...subscription, TFSTATE_STORAGE_ACCOUNT: "stmcptfstate1a2b3c4d" };

    it("refuses an apply on the pipeline's remote state without MCP_DEPLOYER_PRINCIPAL_ID, naming the stack", () => {
      expect(deployProblems(remote, terraform("1.9.8"), request())).toEqual([
        expect.stringMatching(
          /^MCP_DEPLOYER_PRINCIPAL_ID is not set while TFSTATE_STORAGE_ACCOUNT points at the pipeline's remote state: applying mcp-prod would remove the pipeline's deployer as owner/,
        ),
      ]);
    });

    it("allows it with the principal, on local state, for a diff, and for the bootstrap alone", () => {
      const principal = { MCP_DEPLOYER_PRINCIPAL_ID: "66666666-7777-8888-9999-000000000000" };
      expect(deployProblems({ ...remote, ...principal }, terraform("1.9.8"), request())).toEqual([]);
      expect(deployProblems(subscription, terraform("1.9.8"), request())).toEqual([]);
      expect(deployProblems(remote, terraform("1.9.8"), request({ command: "diff" }))).toEqual([]);
      expect(
        deployProblems(
          { ...remote, GITHUB_REPOSITORY: "contoso/mcp" },
          terraform("1.9.8"),
          request({ stacks: ["mcp-bootstrap"] }),
        ),
      ).toEqual([]);
    });

    it("refuses to deploy mcp-bootstrap without GITHUB_REPOSITORY (the placeholder would be refused by Terraform)", () => {
      expect(
        deployProblems(subscription, terraform("1.9.8"), request({ stacks: ["mcp-bootstrap"] })),
      ).toEqual([
        expect.stringMatching(
          /^GITHUB_REPOSITORY is not set: mcp-bootstrap trusts that repository's workflows/,
        ),
      ]);
      expect(
        deployProblems(
          subscription,
          terraform("1.9.8"),
          request({ stacks: ["mcp-bootstrap"], command: "diff" }),
        ),
      ).toEqual([]);
      expect(deployProblems(subscription, terraform("1.9.8"), request({ stacks: ["mcp-dev"] }))).toEqual([]);
    });

    it("refuses a stack without a lock file once any is committed, and inits read-only then", () => {
      const locks = mkdtempSync(path.join(tmpdir(), "locks-"));
      writeFileSync(path.join(locks, "mcp-dev.terraform.lock.hcl"), "# lock\n");
      expect(deployProblems(subscription, terraform("1.9.8"), request({ locksDirectory: locks }))).toEqual([
        expect.stringMatching(
          /^mcp-prod has no provider lock file \(stacks\/locks\/mcp-prod\.terraform\.lock\.hcl\) while mcp-dev has one: run the provider-locks workflow/,
        ),
      ]);
      expect(
        deployProblems(
          subscription,
          terraform("1.9.8"),
          request({ locksDirectory: locks, stacks: ["mcp-dev"] }),
        ),
      ).toEqual([]);
      expect(cdktfEnvironment({}, locks).TF_CLI_ARGS_init).toBe("-lockfile=readonly");
      expect(cdktfEnvironment({}, noLocks).TF_CLI_ARGS_init).toBeUndefined();
      expect(cdktfEnvironment({ TF_CLI_ARGS_init: "-upgrade=false" }, locks).TF_CLI_ARGS_init).toBe(
        "-upgrade=false -lockfile=readonly",
      );
    });
  });

  it("needs a stack of this app, named before cdktf synthesizes anything", () => {
    expect(allStacks()).toEqual(["mcp-dev", "mcp-prod", "mcp-bootstrap"]);
    expect(stackProblems("deploy", ["mcp-dev"])).toEqual([]);
    expect(stackProblems("deploy", ["mcp-prod", "--parallelism", "2"])).toEqual([]);
    expect(stackProblems("deploy", [])).toEqual([
      "no stack named: run npm run deploy -- <stack>, one of mcp-dev, mcp-prod, mcp-bootstrap",
    ]);
    expect(stackProblems("diff", ["--auto-approve"])).toEqual([
      expect.stringMatching(/^no stack named: run npm run diff -- <stack>/),
    ]);
    expect(stackProblems("deploy", ["mcp-test"])).toEqual([
      "'mcp-test' names no stack of this app: expected one of mcp-dev, mcp-prod, mcp-bootstrap",
    ]);
  });

  it("needs the Azure CLI, and a Docker engine only for a deploy that builds with Docker", () => {
    const everything = { az: true, dockerEngine: () => true };
    const noDocker = { az: true, dockerEngine: () => false };
    expect(toolProblems("deploy", ["mcp-dev"], {}, everything)).toEqual([]);
    expect(toolProblems("deploy", ["mcp-dev"], {}, { ...everything, az: false })).toEqual([
      expect.stringMatching(/^az \(the Azure CLI\) was not found on PATH: .*install-azure-cli/),
    ]);
    expect(toolProblems("deploy", ["mcp-dev"], {}, noDocker)).toEqual([]);
    expect(toolProblems("deploy", ["mcp-dev"], { MCP_IMAGE_BUILD: "docker" }, noDocker)).toEqual([
      expect.stringMatching(/^mcp-dev builds its image with Docker .*no running Docker engine/),
    ]);
    expect(toolProblems("deploy", ["mcp-dev"], { MCP_IMAGE_BUILD: "docker" }, everything)).toEqual([]);
    // A prebuilt image, a diff or the bootstrap builds nothing.
    const prebuilt = { MCP_IMAGE_BUILD: "docker", MCP_SERVER_IMAGE: "acr.azurecr.io/mcp-server@sha256:0" };
    expect(toolProblems("deploy", ["mcp-dev"], prebuilt, noDocker)).toEqual([]);
    expect(toolProblems("diff", ["mcp-dev"], { MCP_IMAGE_BUILD: "docker" }, noDocker)).toEqual([]);
    expect(toolProblems("deploy", ["mcp-bootstrap"], { MCP_IMAGE_BUILD: "docker" }, noDocker)).toEqual([]);
    expect(toolProblems("deploy", ["mcp-dev"], { MCP_IMAGE_BUILD: "podman" }, everything)).toEqual([
      expect.stringMatching(/^MCP_IMAGE_BUILD="podman" is not valid/),
    ]);
  });

  it("npm run diff says what it cannot do: diff, not deploy", () => {
    const npm = spawnSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathWithoutTerraform() };
    delete env.ARM_SUBSCRIPTION_ID;
    const run = spawnSync(npm, ["run", "--silent", "diff"], {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Cannot diff: no stack named: run npm run diff -- <stack>");
    expect(run.stderr).toContain("Cannot diff: terraform was not found on PATH");
    expect(run.stderr).not.toContain("Cannot deploy");
    expect(run.stdout + run.stderr).not.toMatch(/Synthesizing/i);
  }, 90_000);

  it("npm run deploy stops before cdktf with both problems when Terraform and the subscription are missing", () => {
    const npm = spawnSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).stdout.trim();
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: pathWithoutTerraform() };
    delete env.ARM_SUBSCRIPTION_ID;
    const run = spawnSync(npm, ["run", "--silent", "deploy", "--", "mcp-dev"], {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Cannot deploy: terraform was not found on PATH");
    expect(run.stderr).toContain("Cannot deploy: ARM_SUBSCRIPTION_ID is not set");
    expect(run.stdout + run.stderr).not.toMatch(/cdktf|Synthesizing/i);
  }, 90_000);
});
