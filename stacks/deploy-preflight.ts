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

/** Every stack main.ts synthesizes (bootstrap last). */
function allStacks(): string[] {
  // Imported here, not at the top: environments.ts pulls in the construct library, which the unit tests of
  // this file do not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { environments } = require("./environments") as typeof import("./environments");
  return [...environments.map((environment) => environment.stackName), BOOTSTRAP_STACK];
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
  const problems = deployProblems(process.env, probeTerraform(), request);
  for (const problem of problems) console.error(`Cannot deploy: ${problem}`);
  if (problems.length > 0) process.exit(1);
  const cdktf = spawnSync(join(__dirname, "..", "node_modules", ".bin", "cdktf"), [command, ...args], {
    stdio: "inherit",
    env: cdktfEnvironment(process.env),
  });
  process.exit(cdktf.status ?? 1);
}
