import { spawnSync } from "node:child_process";
import { GUID_PATTERN } from "../constructs/private/stable-ids";
import { PLACEHOLDER_GITHUB_REPOSITORY } from "./bootstrap-config";
import { applyDeploymentInputs, deploymentInputsFromEnvironment } from "./deployment-inputs";
import { environments } from "./environments";

/** The oldest Terraform the deploy path is documented and tested with (docs/deploy-laptop.md). */
export const MINIMUM_TERRAFORM_VERSION = "1.6.0";

/** What `terraform version -json` answered: its output, or that the binary could not be started. */
export type TerraformProbe = { readonly found: false } | { readonly found: true; readonly output: string };

/**
 * Everything that stops `cdktf deploy` / `diff` before it starts, each as one sentence naming the fix.
 * Synth needs none of this; only `npm run deploy` and `npm run diff` run it.
 */
export function deployProblems(env: NodeJS.ProcessEnv, terraform: TerraformProbe): string[] {
  return [...terraformProblems(terraform), ...subscriptionProblems(env)];
}

function terraformProblems(terraform: TerraformProbe): string[] {
  const install =
    "install Terraform " +
    MINIMUM_TERRAFORM_VERSION.replace(/\.0$/, "") +
    " or later (https://developer.hashicorp.com/terraform/install) and put it on PATH";
  if (!terraform.found) return [`terraform was not found on PATH: deploys run Terraform; ${install}`];
  const version = terraformVersion(terraform.output);
  if (version === undefined) {
    return [
      `terraform version -json answered no version (got '${terraform.output.trim().slice(0, 200)}'); ${install}`,
    ];
  }
  if (compareVersions(version, MINIMUM_TERRAFORM_VERSION) < 0) {
    return [
      `terraform ${version} is older than ${MINIMUM_TERRAFORM_VERSION}, the minimum for deploys; ${install}`,
    ];
  }
  return [];
}

function subscriptionProblems(env: NodeJS.ProcessEnv): string[] {
  const subscription = env.ARM_SUBSCRIPTION_ID?.trim();
  const howTo = 'export ARM_SUBSCRIPTION_ID="$(az account show --query id -o tsv)"';
  if (!subscription) {
    return [
      `ARM_SUBSCRIPTION_ID is not set: azurerm 4.x takes the subscription from it (az account set alone is not read); ${howTo}`,
    ];
  }
  if (!GUID_PATTERN.test(subscription)) {
    return [`ARM_SUBSCRIPTION_ID="${subscription}" is not a subscription id: expected a GUID; ${howTo}`];
  }
  return [];
}

/** What `npm run deploy` / `npm run diff` run after the checks: `cdktf deploy` / `cdktf diff`. */
export type PreflightCommand = "deploy" | "diff";

/** The stacks main.ts defines. */
export function knownStacks(): string[] {
  return [...environments.map((environment) => environment.stackName), "mcp-bootstrap"];
}

/** The stack names among cdktf's arguments (flags and their values are not names). */
export function stackNames(args: readonly string[]): string[] {
  return args.filter((arg) => !arg.startsWith("-"));
}

/**
 * A stack name is needed: without one cdktf synthesizes every stack for a while, then refuses. Other words
 * may be values of cdktf options (`--parallelism 2`), so they count only when no known stack is named.
 */
export function stackProblems(command: PreflightCommand, args: readonly string[]): string[] {
  const known = knownStacks();
  const names = stackNames(args);
  if (names.some((name) => known.includes(name))) return [];
  if (names.length === 0) {
    return [`no stack named: run npm run ${command} -- <stack>, one of ${known.join(", ")}`];
  }
  return [`'${names.join(" ")}' names no stack of this app: expected one of ${known.join(", ")}`];
}

/**
 * The bootstrap trusts GitHub tokens of one repository: deploying it with the placeholder synth warns about
 * would trust `your-org/your-repo`.
 */
export function bootstrapProblems(
  command: PreflightCommand,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): string[] {
  if (command !== "deploy" || !stackNames(args).includes("mcp-bootstrap")) return [];
  const repository = env.GITHUB_REPOSITORY || PLACEHOLDER_GITHUB_REPOSITORY;
  if (repository !== PLACEHOLDER_GITHUB_REPOSITORY) return [];
  return [
    `GITHUB_REPOSITORY is not set (the bootstrap would trust the placeholder '${PLACEHOLDER_GITHUB_REPOSITORY}'): export GITHUB_REPOSITORY=<owner>/<repo>`,
  ];
}

/** Whether a command answered at all: the Azure CLI, and a Docker engine (`docker version` reaches it). */
export interface ToolProbes {
  readonly az: boolean;
  readonly dockerEngine: () => boolean;
}

/**
 * The Azure CLI always (azurerm signs in through it; the image build runs `az acr build` or `az acr login`);
 * a Docker engine only when a named stack is deployed with `image.build: "docker"` (or MCP_IMAGE_BUILD=docker).
 */
export function toolProblems(
  command: PreflightCommand,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  probes: ToolProbes,
): string[] {
  const problems: string[] = [];
  if (!probes.az) {
    problems.push(
      "az (the Azure CLI) was not found on PATH: azurerm signs in through it and the image build runs it; " +
        "install it (https://learn.microsoft.com/cli/azure/install-azure-cli), then az login",
    );
  }
  if (command !== "deploy") return problems;
  let builtWithDocker: string[];
  try {
    const inputs = deploymentInputsFromEnvironment(env);
    const names = stackNames(args);
    builtWithDocker = environments
      .filter((environment) => names.includes(environment.stackName))
      .map((environment) => applyDeploymentInputs(environment, inputs))
      .filter((environment) => environment.image.source === "bundled" && environment.image.build === "docker")
      .map((environment) => environment.stackName);
  } catch (error) {
    return [...problems, (error as Error).message];
  }
  if (builtWithDocker.length > 0 && !probes.dockerEngine()) {
    problems.push(
      `${builtWithDocker.join(", ")} builds its image with Docker (image.build "docker" or MCP_IMAGE_BUILD=docker), ` +
        "but docker version reached no running Docker engine: start one, or build with az acr build (MCP_IMAGE_BUILD=acr)",
    );
  }
  return problems;
}

/** `terraform_version` of `terraform version -json`, e.g. "1.9.8". */
export function terraformVersion(output: string): string | undefined {
  try {
    const version = (JSON.parse(output) as { terraform_version?: unknown }).terraform_version;
    return typeof version === "string" && /^\d+\.\d+\.\d+/.test(version) ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Compares the numeric major.minor.patch of two versions (a pre-release suffix is ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.-]/, 3).map((part) => Number.parseInt(part, 10));
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (left[i] !== right[i]) return left[i] - right[i];
  return 0;
}

function probeTerraform(): TerraformProbe {
  const result = spawnSync("terraform", ["version", "-json"], { encoding: "utf8", timeout: 30_000 });
  return result.error ? { found: false } : { found: true, output: result.stdout };
}

function answers(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 30_000 });
  return !result.error && result.status === 0;
}

/** `npm run deploy -- <stack>` / `npm run diff -- <stack>`: every check first, then cdktf with the same arguments. */
if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  if (command !== "deploy" && command !== "diff") {
    console.error(`usage: deploy-preflight.ts deploy|diff <stack> [cdktf options] (got '${command ?? ""}')`);
    process.exit(2);
  }
  const problems = [
    ...stackProblems(command, args),
    ...bootstrapProblems(command, args, process.env),
    ...deployProblems(process.env, probeTerraform()),
    ...toolProblems(command, args, process.env, {
      az: answers("az", ["version", "--output", "none"]),
      dockerEngine: () => answers("docker", ["version"]),
    }),
  ];
  for (const problem of problems) console.error(`Cannot ${command}: ${problem}`);
  if (problems.length > 0) process.exit(1);
  const cdktf = spawnSync("cdktf", [command, ...args], {
    stdio: "inherit",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  process.exit(cdktf.status ?? 1);
}
