import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseWorkflows } from "../delivery/support/workflows";
import { documentationPages, repoRoot } from "./support/markdown-examples";

interface ShellBlock {
  readonly page: string;
  readonly code: string;
}

function shellBlocks(): ShellBlock[] {
  return documentationPages().flatMap((page) => {
    const text = readFileSync(path.join(repoRoot, page), "utf8");
    return [...text.matchAll(/^ *```(?:sh|bash)\n([\s\S]*?)^ *```$/gm)].map((match) => ({
      page,
      code: match[1],
    }));
  });
}

const scripts = (
  JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

describe("shell commands in README.md and docs/", () => {
  const blocks = shellBlocks();

  it("finds them", () => {
    expect(blocks.length).toBeGreaterThan(10);
  });

  it("every `npm run <script>` names a script of package.json", () => {
    const missing = blocks.flatMap(({ page, code }) =>
      [...code.matchAll(/\bnpm run (?:--silent )?([\w:-]+)/g)]
        .map((match) => match[1])
        .filter((script) => scripts[script] === undefined)
        .map((script) => `${page}: npm run ${script}`),
    );
    expect(missing).toEqual([]);
  });

  it("reads `terraform output` of a stack only after a `terraform init` of it earlier on the page (a fresh cdktf.out has none)", () => {
    const uninitialised = documentationPages().flatMap((page) => {
      const text = readFileSync(path.join(repoRoot, page), "utf8");
      return [...text.matchAll(/terraform -chdir=(\S+) output/g)]
        .filter((match) => {
          const init = text.indexOf(`terraform -chdir=${match[1]} init`);
          return init < 0 || init > (match.index ?? 0);
        })
        .map((match) => `${page}: ${match[0]}`);
    });
    expect(uninitialised).toEqual([]);
  });
});

describe("docs/deploy-github.md's list of what ci.yml runs", () => {
  it("names every npm command of the workflow's jobs", () => {
    const page = readFileSync(path.join(repoRoot, "docs", "deploy-github.md"), "utf8");
    const bullet = /^- `ci\.yml` —([\s\S]*?)^- /m.exec(page)?.[1] ?? "";
    const ci = parseWorkflows()["ci.yml"].document;
    const commands = Object.values(ci.jobs)
      .flatMap((job) => job.steps ?? [])
      .flatMap((step) => (step.run ?? "").split("\n"))
      .map((line) => line.trim())
      .filter((line) => /^npm (ci|test|run [\w:-]+)$/.test(line));
    expect(commands.length).toBeGreaterThan(3);
    // `npm run lint` may read "lint"; `npm ci` and `npm test` are named as they are.
    const word = (command: string) => command.replace(/^npm run /, "");
    expect(commands.filter((command) => !bullet.includes(word(command)))).toEqual([]);
  });
});
