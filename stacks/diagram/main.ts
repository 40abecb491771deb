/**
 * `npm run diagram`: synthesizes every stack exactly as `npm run synth` does (main.ts, zero configuration,
 * into a temporary directory) and writes docs/diagrams/<stack>.svg, rendered by Graphviz compiled to
 * WebAssembly (no system binary). `--out <dir>` writes elsewhere (the test compares against the committed
 * files); `--check` fails when a committed diagram differs.
 */
import { execFileSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stackToDot, SynthesizedStack } from "./stack-graph";

const ROOT = resolve(__dirname, "..", "..");
export const DIAGRAM_DIR = join(ROOT, "docs", "diagrams");

/** Synthesizes all stacks with main.ts in a child process, with no deployment settings in its environment. */
function synthesizeAll(): Map<string, SynthesizedStack> {
  const outdir = mkdtempSync(join(tmpdir(), "mcp-diagram-"));
  try {
    execFileSync(process.execPath, ["--import", "tsx", join(ROOT, "main.ts")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const stacks = new Map<string, SynthesizedStack>();
    for (const name of readdirSync(join(outdir, "stacks")).sort()) {
      const file = join(outdir, "stacks", name, "cdk.tf.json");
      stacks.set(name, JSON.parse(readFileSync(file, "utf8")) as SynthesizedStack);
    }
    return stacks;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The SVG of every stack, by file name. */
export async function renderDiagrams(): Promise<Map<string, string>> {
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const graphviz = await Graphviz.load();
  const files = new Map<string, string>();
  for (const [name, stack] of synthesizeAll()) {
    files.set(`${name}.svg`, graphviz.dot(stackToDot(name, stack)));
  }
  return files;
}

async function run(args: string[]): Promise<number> {
  const outIndex = args.indexOf("--out");
  const outDir = outIndex >= 0 ? resolve(args[outIndex + 1]) : DIAGRAM_DIR;
  const files = await renderDiagrams();
  if (args.includes("--check")) {
    const stale = [...files].filter(
      ([file, svg]) => !existsSync(join(outDir, file)) || readFileSync(join(outDir, file), "utf8") !== svg,
    );
    for (const [file] of stale) console.error(`docs/diagrams/${file} is out of date: run npm run diagram`);
    return stale.length === 0 ? 0 : 1;
  }
  mkdirSync(outDir, { recursive: true });
  for (const [file, svg] of files) {
    writeFileSync(join(outDir, file), svg);
    console.log(`wrote ${join(outDir, file)}`);
  }
  return 0;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
