import { join } from "node:path";
import { ChildServer, startChildServer } from "./child-server";

const ROOT = join(__dirname, "..", "..");
/**
 * Starts one of the TypeScript targets in bench/targets, with tsx as a loader inside the one node process
 * (not the tsx CLI, which runs the target in a child: its CPU time would not be the target's).
 */
export function startTsTarget(
  name: string,
  file: string,
  env: Readonly<Record<string, string>> = {},
): Promise<ChildServer> {
  return startChildServer({
    name,
    command: process.execPath,
    args: ["--import", "tsx", join(ROOT, "bench", "targets", file)],
    env,
  });
}

export function startEverything(): Promise<ChildServer> {
  const entry = join(ROOT, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
  return startChildServer({
    name: "server-everything",
    command: process.execPath,
    args: [entry, "streamableHttp"],
  });
}
