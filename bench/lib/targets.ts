import { join } from "node:path";
import { ChildServer, startChildServer } from "./child-server";

const ROOT = join(__dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/** Starts one of the TypeScript targets in bench/targets through tsx. */
export function startTsTarget(
  name: string,
  file: string,
  env: Readonly<Record<string, string>> = {},
): Promise<ChildServer> {
  return startChildServer({ name, command: TSX, args: [join(ROOT, "bench", "targets", file)], env });
}

export function startEverything(): Promise<ChildServer> {
  const entry = join(ROOT, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
  return startChildServer({
    name: "server-everything",
    command: process.execPath,
    args: [entry, "streamableHttp"],
  });
}
