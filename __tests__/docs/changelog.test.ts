import { readFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./support/markdown-examples";

const changelog = readFileSync(path.join(repoRoot, "CHANGELOG.md"), "utf8");
const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string })
  .version;

describe("CHANGELOG.md", () => {
  const headings = [...changelog.matchAll(/^## (.+)$/gm)].map((match) => match[1]);

  it("lists Unreleased first, then released versions newest first, the newest being package.json's", () => {
    expect(headings[0]).toBe("Unreleased");
    const released = headings.slice(1);
    expect(released[0]).toBe(version);
    const numbers = released.map((heading) => heading.split(".").map(Number));
    for (let i = 1; i < numbers.length; i++) {
      const [a, b] = [numbers[i - 1], numbers[i]];
      expect(a[0] * 1e6 + a[1] * 1e3 + a[2]).toBeGreaterThan(b[0] * 1e6 + b[1] * 1e3 + b[2]);
    }
  });

  it("has upgrade notes from the newest release in the Unreleased section", () => {
    const unreleased = changelog.slice(
      changelog.indexOf("## Unreleased"),
      changelog.indexOf(`## ${version}`),
    );
    expect(unreleased).toContain(`### Upgrading from ${version}`);
  });

  it("is linked from the README", () => {
    expect(readFileSync(path.join(repoRoot, "README.md"), "utf8")).toContain("](CHANGELOG.md)");
  });
});
