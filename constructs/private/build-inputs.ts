import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";

/** Directories never part of a build context worth hashing (dependencies, VCS, synth output). */
const NEVER_WALKED = new Set(["node_modules", ".git", "cdktf.out"]);

/**
 * The context paths a Dockerfile's `COPY` and `ADD` instructions read, as written (relative, `/`-separated;
 * `.` for the whole context). Copies from another stage or image (`--from`), heredocs and remote `ADD`
 * sources read nothing from the context and are left out.
 */
export function dockerfileSources(dockerfile: string): string[] {
  const instructions = dockerfile
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  return instructions.flatMap((line) => {
    const match = /^(COPY|ADD)\s+(.*)$/i.exec(line);
    if (!match) return [];
    const rest = match[2].trim();
    const words = rest.startsWith("[") ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
    const flags = words.filter((word) => word.startsWith("--"));
    if (flags.some((flag) => /^--from=/i.test(flag))) return [];
    const paths = words.filter((word) => !word.startsWith("--"));
    return paths
      .slice(0, -1)
      .filter((source) => !source.startsWith("<<") && !/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(source))
      .map(normalize);
  });
}

/**
 * Every file a `docker build` of `dockerfile` (relative to `contextDirectory`) reads from the context:
 * the files its `COPY`/`ADD` sources name (directories recursively, `*` and `?` globs), minus what
 * `.dockerignore` excludes, plus the Dockerfile and `.dockerignore` themselves. Sorted, `/`-separated.
 */
export function buildInputFiles(contextDirectory: string, dockerfile: string): string[] {
  const dockerfilePath = path.join(contextDirectory, dockerfile);
  const sources = existsSync(dockerfilePath) ? dockerfileSources(readFileSync(dockerfilePath, "utf8")) : [];
  const ignore = dockerignoreRules(contextDirectory);
  const files = new Set<string>();
  let all: string[] | undefined;
  for (const source of sources) {
    const matches = /[*?[]/.test(source)
      ? (all ??= walk(contextDirectory, ".")).filter((file) => globRegExp(source).test(file))
      : expand(contextDirectory, source);
    for (const file of matches) if (!ignored(file, ignore)) files.add(file);
  }
  for (const always of [normalize(dockerfile), ".dockerignore"]) {
    if (existsSync(path.join(contextDirectory, always))) files.add(always);
  }
  return [...files].sort();
}

interface IgnoreRule {
  readonly pattern: RegExp;
  readonly include: boolean;
}

function dockerignoreRules(contextDirectory: string): IgnoreRule[] {
  const file = path.join(contextDirectory, ".dockerignore");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const include = line.startsWith("!");
      return { include, pattern: globRegExp(normalize(include ? line.slice(1) : line), true) };
    });
}

/** Docker's rule: the last matching line decides; a pattern matching a directory covers what is inside. */
function ignored(file: string, rules: readonly IgnoreRule[]): boolean {
  let excluded = false;
  for (const rule of rules) if (rule.pattern.test(file)) excluded = !rule.include;
  return excluded;
}

/** `*` and `?` stay within one path segment, `**` spans any number of them (Go filepath.Match + Docker). */
function globRegExp(glob: string, coversChildren = false): RegExp {
  const segments = glob.split("/");
  const body = segments
    .map((segment, i) => {
      const last = i === segments.length - 1;
      if (segment === "**") return last ? ".*" : "(?:[^/]+/)*";
      const literal = segment
        .replace(/[.+^${}()|\\]/g, "\\$&")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "[^/]");
      return last ? literal : `${literal}/`;
    })
    .join("");
  return new RegExp(`^${body}${coversChildren ? "(?:/.*)?" : ""}$`);
}

function expand(root: string, source: string): string[] {
  const full = path.join(root, source);
  if (!existsSync(full)) return [];
  return statSync(full).isDirectory() ? walk(root, source) : [source];
}

function walk(root: string, relative: string): string[] {
  return readdirSync(path.join(root, relative)).flatMap((entry) => {
    if (NEVER_WALKED.has(entry)) return [];
    const child = relative === "." ? entry : `${relative}/${entry}`;
    return statSync(path.join(root, child)).isDirectory() ? walk(root, child) : [child];
  });
}

function normalize(source: string): string {
  const trimmed = source
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "")
    .replace(/\/+$/, "");
  return trimmed === "" ? "." : trimmed;
}
