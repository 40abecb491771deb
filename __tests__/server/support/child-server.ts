import { ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { eventually } from "./test-server";

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
 * Time a test with a child server may take: tsx compiles the server at start-up, which takes seconds alone
 * and several times longer on a machine whose cores are busy.
 */
export const CHILD_SERVER_TEST_TIMEOUT_MS = 90_000;

/** The child's base URL once its "listening" log line names the port. */
export async function listeningUrl(child: ChildServer): Promise<string> {
  await eventually(() => /"port":\d+/.test(child.stdout()), 60_000);
  const port = /"port":(\d+)/.exec(child.stdout())?.[1];
  return `http://127.0.0.1:${port}`;
}
