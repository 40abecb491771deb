import { ChildProcess, execFileSync, execSync, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { Copy, DockerfileParser, Env, Instruction, JSONInstruction } from "dockerfile-ast";

const REPO = join(__dirname, "..", "..");
const DOCKERFILE = readFileSync(join(REPO, "server", "Dockerfile"), "utf8");
const DOCKERIGNORE = readFileSync(join(REPO, ".dockerignore"), "utf8");

interface Stage {
  name: string | null;
  image: string;
  instructions: Instruction[];
}

function stagesOf(content: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(content).getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const [image, as, name] = instruction.getArguments().map((a) => a.getValue());
      stages.push({ name: as?.toUpperCase() === "AS" ? name : null, image, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

const stages = stagesOf(DOCKERFILE);
const buildStage = stages[0];
const finalStage = stages.at(-1) as Stage;
const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);
const args = (instruction: Instruction) => instruction.getArguments().map((a) => a.getValue());
const envOf = (stage: Stage) =>
  Object.fromEntries(
    (of(stage, "ENV") as Env[]).flatMap((env) =>
      env.getProperties().map((p) => [p.getName(), p.getValue() ?? ""]),
    ),
  );
/** The exec-form JSON array after `CMD` (in CMD itself or in HEALTHCHECK ... CMD [...]). */
function execForm(instruction: Instruction): string[] {
  const text = instruction.getArgumentsContent() ?? "";
  return JSON.parse(text.slice(text.indexOf("["))) as string[];
}

describe("server/Dockerfile", () => {
  it("is multi-stage, every base pinned to an exact Node 22 version", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages)
      expect(stage.image).toMatch(/^node:22\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/);
  });

  it("runs the final stage as a non-root user", () => {
    const users = of(finalStage, "USER").map((u) => args(u)[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it("listens on 0.0.0.0:8000 in production mode and exposes 8000", () => {
    expect(envOf(finalStage)).toMatchObject({ HOST: "0.0.0.0", PORT: "8000", NODE_ENV: "production" });
    expect(of(finalStage, "EXPOSE").map(args)).toEqual([["8000"]]);
  });

  it("has a HEALTHCHECK that uses node against /healthz", () => {
    const [healthcheck] = of(finalStage, "HEALTHCHECK");
    const command = execForm(healthcheck);
    expect(command[0]).toBe("node");
    expect(command.join(" ")).toContain("http://127.0.0.1:");
    expect(command.join(" ")).toContain("/healthz");
  });

  it("copies into the final stage only from the build stage", () => {
    const copies = [...of(finalStage, "COPY"), ...of(finalStage, "ADD")] as Copy[];
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) expect(copy.getFromFlag()?.getValue()).toBe(buildStage.name);
    expect(of(finalStage, "RUN")).toEqual([]);
  });

  it("sends every file the build stage copies through .dockerignore", () => {
    const allowed = DOCKERIGNORE.split("\n").filter((line) => line.startsWith("!"));
    for (const copy of of(buildStage, "COPY")) {
      for (const source of args(copy).slice(0, -1)) {
        expect(allowed).toEqual(
          expect.arrayContaining([expect.stringMatching(new RegExp(`^!${source}/?$`))]),
        );
      }
    }
  });
});

/**
 * Replays the Dockerfile without a Docker engine: each stage gets its own directory standing in for its
 * root file system; COPY, WORKDIR and RUN are carried out there, then the final stage's CMD starts.
 */
describe("server/Dockerfile replayed in a temporary directory", () => {
  const roots = mkdtempSync(join(tmpdir(), "dockerfile-replay-"));
  const finalRoot = join(roots, "final");
  let finalWorkdir = finalRoot;
  let server: ChildProcess | undefined;

  beforeAll(() => replayFinalStage(replayBuildStage()));
  afterAll(() => {
    server?.kill("SIGKILL");
    rmSync(roots, { recursive: true, force: true });
  });

  function replayBuildStage(): string {
    const root = join(roots, buildStage.name ?? "build");
    let workdir = root;
    let npmCiReplaced = 0;
    for (const instruction of buildStage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === "WORKDIR") {
        workdir = join(root, args(instruction)[0]);
        mkdirSync(workdir, { recursive: true });
      } else if (keyword === "COPY") {
        const [dest, ...sources] = args(instruction).reverse();
        for (const source of sources) {
          const target =
            dest.endsWith("/") || sources.length > 1 ? join(workdir, dest, source) : join(workdir, dest);
          cpSync(join(REPO, source), target, { recursive: true });
        }
      } else if (keyword === "RUN") {
        const command = (instruction as JSONInstruction).getArgumentsContent() ?? "";
        if (/^npm ci\b/.test(command)) {
          // No Docker and no time for a full install here: the repository's node_modules, installed by the
          // same `npm ci` from the same lockfile, stands in for it.
          symlinkSync(join(REPO, "node_modules"), join(workdir, "node_modules"), "dir");
          npmCiReplaced++;
        } else {
          execSync(command, { cwd: workdir, stdio: "pipe" });
        }
      }
    }
    expect(npmCiReplaced).toBe(1);
    return root;
  }

  function replayFinalStage(buildRoot: string): void {
    for (const instruction of finalStage.instructions) {
      if (instruction.getKeyword() === "WORKDIR") finalWorkdir = join(finalRoot, args(instruction)[0]);
      if (instruction.getKeyword() === "COPY") {
        const [source, dest] = args(instruction);
        const target = isAbsolute(dest) ? join(finalRoot, dest) : join(finalWorkdir, dest);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(buildRoot, source), target, { recursive: true });
      }
    }
  }

  function payloadBytes(dir: string): number {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
  }

  async function freePort(): Promise<number> {
    const probe = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => probe.once("listening", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    return port;
  }

  async function waitForHealthz(url: string): Promise<number> {
    for (let attempt = 0; attempt < 150; attempt++) {
      if (server?.exitCode !== null) throw new Error(`the server exited with ${server?.exitCode}`);
      const status = await fetch(url).then(
        (r) => r.status,
        () => 0,
      );
      if (status) return status;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${url} never answered`);
  }

  it("leaves only the bundles and package.json in the final stage, under 10 MB", () => {
    const files = execFileSync("find", [".", "-type", "f"], { cwd: finalRoot, encoding: "utf8" });
    expect(files.trim().split("\n").sort()).toEqual([
      "./app/dist/bundle/lazy/azure-identity.js",
      "./app/dist/bundle/lazy/azure-monitor.js",
      "./app/dist/bundle/lazy/legacy-sse.js",
      "./app/dist/bundle/server.js",
      "./app/package.json",
    ]);
    expect(payloadBytes(finalRoot)).toBeLessThan(10 * 1024 * 1024);
  });

  it("ships the Azure SDK bundles where server.js requires them, loadable on their own", () => {
    const bundleDir = join(finalRoot, "app", "dist", "bundle");
    const server = readFileSync(join(bundleDir, "server.js"), "utf8");
    expect(server).toContain('require("./lazy/azure-monitor")');
    expect(server).toContain('require("./lazy/azure-identity")');
    const probe = [
      `const m = require(${JSON.stringify(join(bundleDir, "lazy", "azure-monitor.js"))});`,
      `const i = require(${JSON.stringify(join(bundleDir, "lazy", "azure-identity.js"))});`,
      "process.stdout.write([typeof m.useAzureMonitor, typeof m.shutdownAzureMonitor, typeof i.DefaultAzureCredential].join());",
    ].join("\n");
    expect(execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" })).toBe(
      "function,function,function",
    );
  });

  it("starts the final stage's CMD, which answers /healthz and passes the HEALTHCHECK", async () => {
    const port = await freePort();
    // The image binds 0.0.0.0; the replay keeps to loopback.
    const env = { PATH: process.env.PATH, ...envOf(finalStage), HOST: "127.0.0.1", PORT: String(port) };
    const [command, ...commandArgs] = execForm(of(finalStage, "CMD")[0]);
    expect(command).toBe("node");
    server = spawn(process.execPath, commandArgs, { cwd: finalWorkdir, env, stdio: "ignore" });

    expect(await waitForHealthz(`http://127.0.0.1:${port}/healthz`)).toBe(200);
    const [, ...healthcheckArgs] = execForm(of(finalStage, "HEALTHCHECK")[0]);
    const healthcheck = () => spawnSync(process.execPath, healthcheckArgs, { env, timeout: 10_000 }).status;
    expect(healthcheck()).toBe(0);

    server.kill("SIGTERM");
    await new Promise((resolve) => server?.once("exit", resolve));
    expect(healthcheck()).toBe(1);
  });
});
