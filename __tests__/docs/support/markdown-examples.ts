import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

/** One fenced TypeScript block of a Markdown page. */
export interface TypeScriptExample {
  /** Page path relative to the repository root, e.g. `docs/constructs.md`. */
  readonly page: string;
  /** 1-based line of the first code line in the page. */
  readonly line: number;
  readonly code: string;
  /** The class the block exports when it extends TerraformStack. */
  readonly stackClass?: string;
}

/** README.md and every docs/*.md page, relative to the repository root. */
export function documentationPages(root = repoRoot): string[] {
  const docs = readdirSync(path.join(root, "docs"))
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => `docs/${file}`);
  return ["README.md", ...docs];
}

/** Every ```ts / ```typescript block of the given pages, in page order. */
export function typeScriptExamples(pages = documentationPages(), root = repoRoot): TypeScriptExample[] {
  return pages.flatMap((page) => {
    const text = readFileSync(path.join(root, page), "utf8");
    return [...text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```$/gm)].map((match) => {
      const line = text.slice(0, match.index).split("\n").length + 1;
      const stackClass = /export class (\w+) extends TerraformStack\b/.exec(match[1])?.[1];
      return { page, line, code: match[1], stackClass };
    });
  });
}
