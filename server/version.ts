import { readFileSync } from "node:fs";
import { join } from "node:path";

function readVersion(): string {
  // Works from both server/ (tsx) and dist/server/ (compiled): walk up to the package.json.
  for (const dir of [join(__dirname, ".."), join(__dirname, "..", "..")]) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "cdktf-azure-mcp" && pkg.version) return pkg.version;
    } catch {
      // keep looking
    }
  }
  return "0.0.0";
}

/** The name the server gives in `serverInfo`. */
export const SERVER_NAME = "cdktf-azure-mcp";
/** The package's version, given in `serverInfo` and /healthz. */
export const SERVER_VERSION = readVersion();
