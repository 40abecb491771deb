import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { GUID_PATTERN } from "../constructs/private/stable-ids";
import { lockedStacks, missingProviderLocks, PROVIDER_LOCKS_DIRECTORY } from "./provider-locks";

/** The oldest Terraform the deploy path works with: the hosting stack on remote state uses a `removed` block (1.7). */
export const MINIMUM_TERRAFORM_VERSION = "1.7.0";

/** What `terraform version -json` answered: its output, or that the binary could not be started. */
export type TerraformProbe = { readonly found: false } | { readonly found: true; readonly output: string };

/** What `npm run deploy` / `npm run diff` was asked to do. */
export interface DeployRequest {
  readonly command: "deploy" | "diff";
  /** Stack names given on the command line; empty means every stack. */
  readonly stacks: readonly string[];
  /** Every stack main.ts synthesizes. */
  readonly allStacks: readonly string[];
  /** @default stacks/locks */
  readonly locksDirectory?: string;
}

const BOOTSTRAP_STACK = "mcp-bootstrap";

/**
 * Everything that stops `cdktf deploy` / `diff` before it starts, each as one sentence naming the fix.
 * Synth needs none of this; only `npm run deploy` and `npm run diff` run it.
 */
export function deployProblems(
  env: NodeJS.ProcessEnv,
  terraform: TerraformProbe,
  request?: DeployRequest,
): string[] {
  return [
    ...terraformProblems(terraform),
    ...subscriptionProblems(env),
    ...(request
      ? [...deployerProblems(env, request), ...repositoryProblems(env, request), ...lockProblems(request)]
      : []),
  ];
}

/**
 * An apply against the pipeline's remote state without the deployer's principal id removes the deployer as
 * owner of the Entra registrations and its Mcp.Invoke grant: the next pipeline run cannot manage them and its
 * smoke test fails. The bootstrap stack keeps local state and reads no principal.
 */
function deployerProblems(env: NodeJS.ProcessEnv, request: DeployRequest): string[] {
  const stacks = request.stacks.length > 0 ? request.stacks : request.allStacks;
  const hosting = stacks.filter((stack) => stack !== BOOTSTRAP_STACK);
  if (request.command !== "deploy" || hosting.length === 0) return [];
  if (!env.TFSTATE_STORAGE_ACCOUNT || env.MCP_DEPLOYER_PRINCIPAL_ID?.trim()) return [];
  return [
    `MCP_DEPLOYER_PRINCIPAL_ID is not set while TFSTATE_STORAGE_ACCOUNT points at the pipeline's remote state: ` +
      `applying ${hosting.join(", ")} would remove the pipeline's deployer as owner of the Entra registrations ` +
      "and its Mcp.Invoke grant; export MCP_DEPLOYER_PRINCIPAL_ID from the mcp-bootstrap output for that " +
      "environment (docs/deploy-github.md), or unset TFSTATE_STORAGE_ACCOUNT for local state",
  ];
}

/**
 * The bootstrap's federated credentials and state account name follow GITHUB_REPOSITORY; without it the stack
 * holds the placeholder, which Terraform refuses anyway. Said here first, before cdktf synthesizes.
 */
function repositoryProblems(env: NodeJS.ProcessEnv, request: DeployRequest): string[] {
  const stacks = request.stacks.length > 0 ? request.stacks : request.allStacks;
  if (request.command !== "deploy" || !stacks.includes(BOOTSTRAP_STACK) || env.GITHUB_REPOSITORY?.trim())
    return [];
  return [
    "GITHUB_REPOSITORY is not set: mcp-bootstrap trusts that repository's workflows and names the state " +
      "account after it; export GITHUB_REPOSITORY=<owner>/<repo> (docs/deploy-github.md)",
  ];
}

function lockProblems(request: DeployRequest): string[] {
  const stacks = request.stacks.length > 0 ? request.stacks : request.allStacks;
  return missingProviderLocks(stacks, request.locksDirectory ?? PROVIDER_LOCKS_DIRECTORY);
}

/**
 * The environment cdktf runs with: once lock files are committed, `terraform init` may only read them
 * (`-lockfile=readonly` fails on any provider build not in the lock file).
 */
export function cdktfEnvironment(
  env: NodeJS.ProcessEnv,
  locksDirectory = PROVIDER_LOCKS_DIRECTORY,
): NodeJS.ProcessEnv {
  const readonly = lockedStacks(locksDirectory).length > 0;
  const initArgs = [env.TF_CLI_ARGS_init, readonly ? "-lockfile=readonly" : undefined].filter(Boolean);
  return {
    ...env,
    CHECKPOINT_DISABLE: "1",
    ...(initArgs.length > 0 ? { TF_CLI_ARGS_init: initArgs.join(" ") } : {}),
  };
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
export type PreflightCommand = DeployRequest["command"];

/** The stack names among cdktf's arguments (flags and their values are not names). */
export function stackNames(args: readonly string[]): string[] {
  return args.filter((arg) => !arg.startsWith("-"));
}

/**
 * A stack name is needed: without one cdktf synthesizes every stack for a while, then refuses. Other words
 * may be values of cdktf options (`--parallelism 2`), so they count only when no known stack is named.
 */
export function stackProblems(command: PreflightCommand, args: readonly string[]): string[] {
  const known = allStacks();
  const names = stackNames(args);
  if (names.some((name) => known.includes(name))) return [];
  if (names.length === 0) {
    return [`no stack named: run npm run ${command} -- <stack>, one of ${known.join(", ")}`];
  }
  return [`'${names.join(" ")}' names no stack of this app: expected one of ${known.join(", ")}`];
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
    const { environments, applyDeploymentInputs, deploymentInputsFromEnvironment } = loadEnvironments();
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

/**
 * environments.ts and deployment-inputs.ts, loaded when first needed, not at the top: environments.ts pulls in
 * the construct library, which the unit tests of the other checks do not need.
 */
function loadEnvironments(): typeof import("./environments") & typeof import("./deployment-inputs") {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    ...(require("./environments") as typeof import("./environments")),
    ...(require("./deployment-inputs") as typeof import("./deployment-inputs")),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** Every stack main.ts synthesizes (bootstrap last). */
export function allStacks(): string[] {
  const { environments } = loadEnvironments();
  return [...environments.map((environment) => environment.stackName), BOOTSTRAP_STACK];
}

function answers(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 30_000 });
  return !result.error && result.status === 0;
}

// npm run deploy -- <stack> / npm run diff -- <stack>: the checks, then cdktf with the same arguments.
if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  if (command !== "deploy" && command !== "diff") {
    console.error(
      `usage: deploy-preflight.ts deploy|diff [stack...] [cdktf options] (got '${command ?? ""}')`,
    );
    process.exit(2);
  }
  const request = {
    command,
    stacks: args.filter((arg) => !arg.startsWith("-")),
    allStacks: allStacks(),
  } as const;
  const problems = [
    ...stackProblems(command, args),
    ...deployProblems(process.env, probeTerraform(), request),
    ...toolProblems(command, args, process.env, {
      az: answers("az", ["version", "--output", "none"]),
      dockerEngine: () => answers("docker", ["version"]),
    }),
  ];
  for (const problem of problems) console.error(`Cannot ${command}: ${problem}`);
  if (problems.length > 0) process.exit(1);
  const cdktf = spawnSync(join(__dirname, "..", "node_modules", ".bin", "cdktf"), [command, ...args], {
    stdio: "inherit",
    env: cdktfEnvironment(process.env),
  });
  process.exit(cdktf.status ?? 1);
}
