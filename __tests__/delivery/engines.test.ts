import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./support/run-script";

// semver ships no types; these two functions are all this test uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require("semver") as {
  satisfies(version: string, range: string): boolean;
  validRange(range: string): string | null;
};

interface LockedPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const lock = JSON.parse(readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockedPackage>;
};
const page = readFileSync(path.join(repoRoot, "docs", "development.md"), "utf8");

/** `name@version` of every locked package whose engines field excludes Node 20 (what npm's EBADENGINE names). */
function notForNode20(): { name: string; version: string; dev: boolean }[] {
  return Object.entries(lock.packages).flatMap(([location, entry]) => {
    const range = Array.isArray(entry.engines)
      ? undefined
      : (entry.engines as { node?: string } | undefined)?.node;
    if (!location || !range || !entry.version) return [];
    if (semver.satisfies("20.19.0", range) || !semver.validRange(range)) return [];
    const name = location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length);
    return [{ name, version: entry.version, dev: entry.dev === true }];
  });
}

describe("packages that ask for a newer Node than 20 (npm ci's EBADENGINE warnings)", () => {
  const packages = notForNode20();

  it("are all development-only", () => {
    expect(packages.filter((p) => !p.dev)).toEqual([]);
  });

  it("are exactly the ones docs/development.md explains", () => {
    expect(packages.length).toBe(4);
    for (const { name } of packages) expect(page).toContain(`\`${name}\``);
    expect(page).toContain(`${packages.length * 5} \`npm warn EBADENGINE\` lines`);
  });
});
