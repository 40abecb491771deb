import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installProviderLocks, lockedStacks, PROVIDER_LOCKS_DIRECTORY } from "../../stacks/provider-locks";

const STACKS = ["mcp-dev", "mcp-prod", "mcp-bootstrap"];

/** A synthesized cdktf.out with one directory per stack, and a locks directory holding the given stacks' files. */
function fixture(locked: readonly string[]): { outdir: string; locks: string } {
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
  for (const stack of STACKS) mkdirSync(join(outdir, "stacks", stack), { recursive: true });
  const locks = mkdtempSync(join(tmpdir(), "locks-"));
  for (const stack of locked) writeFileSync(join(locks, `${stack}.terraform.lock.hcl`), `# ${stack}\n`);
  return { outdir, locks };
}

describe("provider lock files", () => {
  it("copies each stack's committed lock file next to its synthesized JSON, where terraform init reads it", () => {
    const { outdir, locks } = fixture(STACKS);
    installProviderLocks(outdir, STACKS, { directory: locks });
    for (const stack of STACKS) {
      expect(readFileSync(join(outdir, "stacks", stack, ".terraform.lock.hcl"), "utf8")).toBe(`# ${stack}\n`);
    }
  });

  it("does nothing while none is committed", () => {
    const { outdir, locks } = fixture([]);
    installProviderLocks(outdir, STACKS, { directory: locks });
    expect(existsSync(join(outdir, "stacks", "mcp-dev", ".terraform.lock.hcl"))).toBe(false);
  });

  it("refuses a stack without one once any is committed, naming it and the workflow that writes them", () => {
    const { outdir, locks } = fixture(["mcp-dev", "mcp-bootstrap"]);
    expect(() => installProviderLocks(outdir, STACKS, { directory: locks })).toThrow(
      "mcp-prod has no provider lock file (stacks/locks/mcp-prod.terraform.lock.hcl) while mcp-bootstrap, mcp-dev have one: run the provider-locks workflow and merge its pull request",
    );
  });

  it("lets the provider-locks workflow synthesize the stacks it is about to lock", () => {
    const { outdir, locks } = fixture(["mcp-dev"]);
    expect(() => installProviderLocks(outdir, STACKS, { directory: locks, generate: true })).not.toThrow();
    expect(existsSync(join(outdir, "stacks", "mcp-dev", ".terraform.lock.hcl"))).toBe(true);
  });

  it("reads the committed ones from stacks/locks", () => {
    expect(PROVIDER_LOCKS_DIRECTORY).toMatch(/stacks[/\\]locks$/);
    const { locks } = fixture(["mcp-prod"]);
    expect(lockedStacks(locks)).toEqual(["mcp-prod"]);
  });
});
