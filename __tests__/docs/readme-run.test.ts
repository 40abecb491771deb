import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import * as path from "node:path";
import { repoRoot } from "./support/markdown-examples";

const TIMEOUT_MS = 120_000;

/** A port nothing listens on right now (the block names a fixed one; the test must not). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function runServerBlock(): string {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const block = /## Run the server locally[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no sh block under '## Run the server locally'");
  return block;
}

describe("README's local run block, pasted as written", () => {
  it(
    "waits for the server and prints the tool's answer",
    async () => {
      const port = await freePort();
      const script = runServerBlock().replaceAll("8000", String(port));
      const shell = spawn("bash", ["-c", script], {
        cwd: repoRoot,
        env: { ...process.env, PORT: String(port), MCP_REQUEST_STATE_KEY: "x".repeat(32) },
        detached: true,
      });
      let stdout = "";
      shell.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no answer; stdout so far:\n${stdout}`)),
            TIMEOUT_MS - 10_000,
          );
          shell.stdout.on("data", () => {
            if (stdout.includes('"text":"hello"')) {
              clearTimeout(timer);
              resolve();
            }
          });
        });
        expect(stdout).toMatch(/^data: \{"result":\{"content":\[\{"type":"text","text":"hello"\}\]\}/m);
      } finally {
        if (shell.pid) process.kill(-shell.pid, "SIGTERM");
      }
    },
    TIMEOUT_MS,
  );
});
