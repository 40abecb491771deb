import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Where the committed lock files live: `<stack>.terraform.lock.hcl`, written by the provider-locks workflow. */
export const PROVIDER_LOCKS_DIRECTORY = join(__dirname, "locks");

const SUFFIX = ".terraform.lock.hcl";

export function lockFileName(stack: string): string {
  return `${stack}${SUFFIX}`;
}

/** Stacks with a committed lock file. */
export function lockedStacks(directory = PROVIDER_LOCKS_DIRECTORY): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length));
}

/**
 * Once any lock file is committed, every stack needs one: a stack without one would let `terraform init`
 * pick provider builds nobody reviewed. One sentence per stack that lacks it; empty while none is committed.
 */
export function missingProviderLocks(
  stacks: readonly string[],
  directory = PROVIDER_LOCKS_DIRECTORY,
): string[] {
  const locked = lockedStacks(directory);
  if (locked.length === 0) return [];
  return stacks
    .filter((stack) => !locked.includes(stack))
    .map(
      (stack) =>
        `${stack} has no provider lock file (stacks/locks/${lockFileName(stack)}) while ${locked.join(", ")} ` +
        `${locked.length === 1 ? "has" : "have"} one: run the provider-locks workflow and merge its pull request`,
    );
}

/**
 * Copies each stack's committed lock file next to its synthesized `cdk.tf.json`, where `terraform init` reads
 * it. Throws when lock files are committed but some stack lacks one, unless `generate` (the provider-locks
 * workflow, which is about to write them).
 */
export function installProviderLocks(
  outdir: string,
  stacks: readonly string[],
  options: { readonly generate?: boolean; readonly directory?: string } = {},
): void {
  const directory = options.directory ?? PROVIDER_LOCKS_DIRECTORY;
  const missing = missingProviderLocks(stacks, directory);
  if (missing.length > 0 && !options.generate) throw new Error(missing.join("\n"));
  for (const stack of lockedStacks(directory).filter((name) => stacks.includes(name))) {
    const target = join(outdir, "stacks", stack);
    if (existsSync(target))
      copyFileSync(join(directory, lockFileName(stack)), join(target, ".terraform.lock.hcl"));
  }
}
