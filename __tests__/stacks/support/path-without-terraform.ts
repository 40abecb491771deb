import { existsSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** process.env.PATH without any directory holding a `terraform`; node stays reachable through a link. */
export function pathWithoutTerraform(): string {
  const kept = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !existsSync(path.join(dir, "terraform")));
  const nodeBin = mkdtempSync(path.join(tmpdir(), "node-only-"));
  symlinkSync(process.execPath, path.join(nodeBin, "node"));
  return [nodeBin, ...kept].join(path.delimiter);
}
