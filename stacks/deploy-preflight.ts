import { spawnSync } from "node:child_process";
import { GUID_PATTERN } from "../constructs/private/stable-ids";

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

if (require.main === module) {
  const problems = deployProblems(process.env, probeTerraform());
  for (const problem of problems) console.error(`Cannot deploy: ${problem}`);
  process.exit(problems.length > 0 ? 1 : 0);
}
