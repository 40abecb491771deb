import { ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** A server under test running in its own process, so its CPU and memory are its own. */
export interface ChildServer {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** Resident set size of the child in bytes, read from /proc. */
  rssBytes(): number;
  /** CPU time the child has used so far (user + system) in ms, read from /proc (100 clock ticks a second). */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Path polled until it answers; any HTTP status counts as up. */
  readonly readyPath?: string;
  readonly timeoutMs?: number;
}

export async function startChildServer(options: StartOptions): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(options.command, [...options.args], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent", ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${base}${options.readyPath ?? "/"}`, child, options.timeoutMs ?? 20_000, () => stderr);
  return {
    name: options.name,
    url: base,
    process: child,
    rssBytes: () => readRss(child.pid),
    cpuMs: () => readCpuMs(child.pid),
    stop: () => stopChild(child),
  };
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number, stderr: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`server at ${url} did not come up within ${timeoutMs} ms: ${stderr()}`);
}

function readRss(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

function readCpuMs(pid: number | undefined): number {
  // Fields after the command name: state is field 3, utime 14, stime 15 (man 5 proc).
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
