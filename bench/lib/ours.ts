import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { ChildServer, startChildServer } from "./child-server";

const ROOT = join(__dirname, "..", "..");
export const BUNDLE = join(ROOT, "dist", "bundle", "server.js");

/** Builds the single-file server the image ships (`npm run bundle`), once per bench run. */
export function ensureBundle(): void {
  if (process.env.BENCH_SKIP_BUNDLE === "1" && existsSync(BUNDLE)) return;
  const result = spawnSync("npm", ["run", "--silent", "bundle"], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm run bundle failed: ${result.stderr}`);
}

/** Size of server.js, what every start parses. */
export function bundleBytes(): number {
  return statSync(BUNDLE).size;
}

/** Size of everything the image ships under dist/bundle (server.js and the lazily loaded SDK bundles). */
export function shippedBytes(): number {
  const dir = dirname(BUNDLE);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/**
 * Our server as it ships: the bundle, configured only by environment variables, logging at info to a
 * discarded stdout (the per-request log line is part of the cost). The rate limiter is off unless a
 * benchmark turns it on: every load request comes from the same caller. `bundle` runs another build the
 * same way (BENCH_BEFORE_BUNDLE: the bundle of the commit a change started from, for same-run before/after).
 */
export function startOurs(
  name = "ours",
  env: Readonly<Record<string, string>> = {},
  bundle = BUNDLE,
): Promise<ChildServer> {
  return startChildServer({
    name,
    command: process.execPath,
    args: [bundle],
    env: { LOG_LEVEL: "info", MCP_RATE_LIMIT_PER_MINUTE: "0", MCP_MAX_CONNECTIONS: "5000", ...env },
    readyPath: "/healthz",
  });
}
