import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { documentationPages, repoRoot } from "./support/markdown-examples";

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*]/g, "")
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return new Set([...text.matchAll(/^#+ (.+)$/gm)].map((match) => anchor(match[1].trim())));
}

/** Every relative Markdown link of a page that does not resolve to a file (and heading, when it names one). */
function brokenLinks(page: string): string[] {
  const file = path.join(repoRoot, page);
  const text = readFileSync(file, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((link) => !/^[a-z]+:/.test(link))
    .filter((link) => {
      const [target, fragment] = link.split("#");
      const resolved = target === "" ? file : path.resolve(path.dirname(file), target);
      if (!existsSync(resolved)) return true;
      return fragment !== undefined && resolved.endsWith(".md") && !anchorsOf(resolved).has(fragment);
    })
    .map((link) => `${page}: ${link}`);
}

describe("links in README.md and docs/", () => {
  it("every relative link reaches a file and, with a #fragment, a heading in it", () => {
    expect(documentationPages().flatMap(brokenLinks)).toEqual([]);
  });

  it("the README links every docs/ page", () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const pages = documentationPages().filter((page) => page.startsWith("docs/"));
    expect(pages.filter((page) => !readme.includes(`](${page})`))).toEqual([]);
  });
});
