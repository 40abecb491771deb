import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathWithoutTerraform } from "./support/path-without-terraform";

const root = path.resolve(__dirname, "..", "..");

describe("npm run synth without Terraform", () => {
  const env = { ...process.env, PATH: pathWithoutTerraform(), CHECKPOINT_DISABLE: "1", CI: "true" };

  it("the test's PATH really lacks terraform", () => {
    const probe = spawnSync("sh", ["-c", "command -v terraform"], { env, encoding: "utf8" });
    expect(probe.status).not.toBe(0);
    expect(probe.stdout).toBe("");
  });

  it("synthesizes every stack with the cdktf CLI", () => {
    const outdir = mkdtempSync(path.join(tmpdir(), "cdktf-out-"));
    mkdirSync(outdir, { recursive: true });
    const synth = spawnSync(path.join(root, "node_modules", ".bin", "cdktf"), ["synth", "--output", outdir], {
      cwd: root,
      env,
      encoding: "utf8",
      timeout: 170_000,
    });
    if (synth.status !== 0) throw new Error(`cdktf synth exited ${synth.status}:\n${synth.stderr}`);
    expect(readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["mcp-bootstrap", "mcp-dev", "mcp-prod"]);
  }, 180_000);
});
