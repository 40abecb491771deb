import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./support/markdown-examples";

const TESTS = path.join(repoRoot, "__tests__");

/** The files under __tests__ that are neither tests nor helpers: jest's setup, the README and the npm script entries. */
const ENTRIES = new Set(["setup.ts", "README.md", "conformance/run.ts", "conformance/fixtures-main.ts"]);
const CODE = /\.(ts|mjs|cjs)$/;

/** Every file under __tests__, relative to it, with `/` separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [path.relative(TESTS, full).split(path.sep).join("/")];
  });
}

/** Why `file` is out of place, or undefined when it follows the convention of __tests__/README.md. */
function misplaced(file: string): string | undefined {
  const folders = file.split("/").slice(0, -1);
  if (ENTRIES.has(file) || file.endsWith(".test.ts")) return undefined;
  if (folders.includes("__snapshots__")) return file.endsWith(".snap") ? undefined : "not a snapshot";
  if (folders.includes("fixtures")) return undefined;
  if (folders.includes("support"))
    return CODE.test(file) ? undefined : "data in support/ (put it in fixtures/)";
  return "a helper beside the tests (put code in support/, data in fixtures/)";
}

describe("__tests__ layout", () => {
  it("holds tests, snapshots, support/ (code) and fixtures/ (data), and nothing loose", () => {
    const files = filesUnder(TESTS);
    expect(files.length).toBeGreaterThan(100);
    const wrong = files.flatMap((file) => {
      const reason = misplaced(file);
      return reason === undefined ? [] : [`${file}: ${reason}`];
    });
    expect(wrong).toEqual([]);
  });

  it("names every top-level folder in its README", () => {
    const readme = readFileSync(path.join(TESTS, "README.md"), "utf8");
    const folders = readdirSync(TESTS, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    for (const folder of folders) expect(readme).toContain(`\`${folder.name}/\``);
  });
});
