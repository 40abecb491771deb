import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");
// tsx as a loader keeps the server the direct child, so signals reach it unrelayed.
export const SERVER_NODE_ARGS = ["--import", "tsx", join(ROOT, "server", "main.ts")];

export interface ChildServer {
  readonly process: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** server/main.ts in a child process, configured only by `env` (plus PATH and HOME). */
export function startChildServer(env: Record<string, string>): ChildServer {
  const child = spawn(process.execPath, SERVER_NODE_ARGS, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { process: child, stdout: () => stdout, stderr: () => stderr, exited };
}

/**
 * Time a test with a child server may take: a bound for a hang, not a speed target. tsx compiles the server
 * at start-up, which takes seconds alone and over a minute on two cores shared by many (seen: > 60 s).
 */
export const CHILD_SERVER_TEST_TIMEOUT_MS = 300_000;

/**
 * The child's base URL once its "listening" log line names the port. Waits for that line, not for a
 * deadline (the test's timeout bounds a hang); a child that ends first fails at once, with its stderr.
 */
export async function listeningUrl(child: ChildServer): Promise<string> {
  const port = await new Promise<string>((resolve, reject) => {
    const found = (): boolean => {
      const match = /"port":(\d+)/.exec(child.stdout());
      if (match) resolve(match[1] as string);
      return match !== null;
    };
    const onData = (): void => {
      if (found()) child.process.stdout.off("data", onData);
    };
    if (found()) return;
    child.process.stdout.on("data", onData);
    // After "close" no more output can come: the line never will.
    const ended = (): void => {
      if (!found()) reject(new Error(`the server ended before listening:\n${child.stderr()}`));
    };
    if (child.process.stdout.readableEnded) ended();
    else child.process.once("close", ended);
  });
  return `http://127.0.0.1:${port}`;
}
