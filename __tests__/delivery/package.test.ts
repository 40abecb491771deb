import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Copy, DockerfileParser } from "dockerfile-ast";
import { typeScriptExamples } from "../docs/support/markdown-examples";
import { repoRoot } from "./support/run-script";

/**
 * The package as an importer gets it: `npm pack` of this project (its prepack builds), the tarball unpacked
 * into node_modules of a fresh cdktf app, the README's and docs/constructs.md's stacks compiled there
 * against the packed type declarations and synthesized. Offline: the app's other dependencies (the peers
 * and the package's own dependencies) are linked from this repository's node_modules, as an offline
 * `npm install` of the tarball would place them.
 */
const work = mkdtempSync(path.join(tmpdir(), "package-test-"));
// `npm pack` builds (tsc over the project, esbuild): about 45 s of CPU alone, many minutes on two cores
// shared by many. The bound is for a hang, not the speed; each hook or test waits as long as its children may.
const CHILD_HANG_MS = 10 * 60_000;
/** A hook's or test's timeout: as long as its heavy children may run, plus a minute for the light ones. */
const CHILDREN_MS = (heavyChildren: number) => heavyChildren * CHILD_HANG_MS + 60_000;

function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
    timeout: CHILD_HANG_MS,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** A copy of the project as a fresh clone would have it (tracked and new files, nothing git-ignored). */
function copyOfProject(): string {
  const project = path.join(work, "project");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
  })
    .split("\0")
    .filter((file) => file !== "" && existsSync(path.join(repoRoot, file)));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    cpSync(path.join(repoRoot, file), path.join(project, file));
  }
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(project, "node_modules"), "dir");
  return project;
}

function linkFromRepository(app: string, name: string): void {
  const target = path.join(app, "node_modules", name);
  mkdirSync(path.dirname(target), { recursive: true });
  symlinkSync(path.join(repoRoot, "node_modules", name), target, "dir");
}

describe("the packed package in a fresh cdktf app", () => {
  const app = path.join(work, "app");
  const installed = path.join(app, "node_modules", "cdktf-azure-mcp");
  const examples = typeScriptExamples(["README.md", "docs/constructs.md"]).filter(
    (example) => example.stackClass,
  );
  let packedFiles: string[] = [];
  let project = "";

  beforeAll(() => {
    project = copyOfProject();
    const tarball = path.join(
      work,
      run("npm", ["pack", "--silent", "--pack-destination", work], project).trim().split("\n").pop() ?? "",
    );
    mkdirSync(installed, { recursive: true });
    run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], work);
    packedFiles = run("tar", ["-tzf", tarball], work)
      .split("\n")
      .map((file) => file.replace(/^package\//, ""));

    const manifest = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    for (const name of [...Object.keys(manifest.peerDependencies), ...Object.keys(manifest.dependencies)]) {
      linkFromRepository(app, name);
    }
    writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({
        name: "importer",
        private: true,
        dependencies: { "cdktf-azure-mcp": manifest.dependencies && "0.1.0" },
      }),
    );
    writeFileSync(
      path.join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "commonjs",
          strict: true,
          types: [],
          outDir: "out",
          rootDir: ".",
        },
        include: ["*.ts"],
      }),
    );
    examples.forEach((example, index) => writeFileSync(path.join(app, `example${index}.ts`), example.code));
    writeFileSync(
      path.join(app, "main.ts"),
      [
        'import { App } from "cdktf";',
        ...examples.map((example, index) => `import { ${example.stackClass} } from "./example${index}";`),
        'const app = new App({ outdir: "cdktf.out" });',
        ...examples.map((example, index) => `new ${example.stackClass}(app, "example${index}");`),
        "app.synth();",
      ].join("\n"),
    );
  }, CHILDREN_MS(1));

  it("installs without lifecycle scripts (the dev-only postinstall stays out), and pack leaves package.json as it was", () => {
    const manifest = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    for (const hook of ["preinstall", "install", "postinstall", "prepare"]) {
      expect(manifest.scripts?.[hook]).toBeUndefined();
    }
    expect(readFileSync(path.join(project, "package.json"), "utf8")).toBe(
      readFileSync(path.join(repoRoot, "package.json"), "utf8"),
    );
    expect(existsSync(path.join(project, ".package.json.prepack"))).toBe(false);
  });

  it("holds the license, the library with its types and the staged image build context", () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "README.md",
        "dist/constructs/index.js",
        "dist/constructs/index.d.ts",
        "dist/image-context/package-lock.json",
        "dist/image-context/server/Dockerfile",
      ]),
    );
  });

  it(
    "compiles the README's and docs/constructs.md's stacks against the packed declarations and synthesizes them",
    () => {
      expect(examples.map((example) => example.page)).toContain("README.md");
      run(
        process.execPath,
        [path.join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", app],
        app,
      );
      run(process.execPath, [path.join("out", "main.js")], app);
      expect(readdirSync(path.join(app, "cdktf.out", "stacks")).sort()).toEqual(
        examples.map((_e, index) => `example${index}`).sort(),
      );
    },
    CHILDREN_MS(2),
  );

  it("points the image build at a context inside the package holding every file the Dockerfile copies", () => {
    const stacks = path.join(app, "cdktf.out", "stacks");
    const builds = readdirSync(stacks).flatMap((stack) => {
      const config = JSON.parse(readFileSync(path.join(stacks, stack, "cdk.tf.json"), "utf8")) as {
        resource?: {
          terraform_data?: Record<string, { provisioner: { "local-exec": { working_dir: string } }[] }>;
        };
      };
      return Object.values(config.resource?.terraform_data ?? {}).map((build) =>
        path.resolve(stacks, stack, build.provisioner[0]["local-exec"].working_dir),
      );
    });
    expect(builds).toHaveLength(1);
    const context = realpathSync(builds[0]);
    expect(context.startsWith(realpathSync(installed) + path.sep)).toBe(true);

    const dockerfile = DockerfileParser.parse(
      readFileSync(path.join(context, "server", "Dockerfile"), "utf8"),
    );
    const sources = dockerfile
      .getInstructions()
      .filter((instruction) => ["COPY", "ADD"].includes(instruction.getKeyword()))
      .filter((instruction) => !(instruction instanceof Copy && instruction.getFromFlag()))
      .flatMap((instruction) =>
        instruction
          .getArguments()
          .map((argument) => argument.getValue())
          .slice(0, -1),
      );
    expect(sources).toEqual(
      expect.arrayContaining(["package.json", "package-lock.json", "tsconfig.json", "server"]),
    );
    expect(sources.filter((source) => !existsSync(path.join(context, source)))).toEqual([]);
  });
});
