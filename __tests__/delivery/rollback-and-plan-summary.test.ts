import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScript } from "./support/run-script";

const PREVIOUS = `acrmcpprod1a2b3c4d.azurecr.io/mcp-server@sha256:${"cd".repeat(32)}`;

/** A stand-in for the Azure CLI (none can run here): records its arguments, exits with FAKE_AZ_EXIT. */
function fakeAz(): { bin: string; log: string; summary: string } {
  const bin = mkdtempSync(join(tmpdir(), "rollback-bin-"));
  const log = join(bin, "calls.log");
  const summary = join(bin, "summary.md");
  writeFileSync(log, "");
  writeFileSync(summary, "");
  writeFileSync(
    join(bin, "az"),
    `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${log}"\nexit "\${FAKE_AZ_EXIT:-0}"\n`,
  );
  chmodSync(join(bin, "az"), 0o755);
  return { bin, log, summary };
}

async function rollback(env: Record<string, string>) {
  const fake = fakeAz();
  const result = await runScript("rollback.mjs", [], {
    PATH: `${fake.bin}:${process.env.PATH ?? ""}`,
    GITHUB_STEP_SUMMARY: fake.summary,
    CONTAINER_APP: "ca-mcp-prod",
    RESOURCE_GROUP: "rg-mcp-prod",
    ...env,
  });
  return {
    ...result,
    calls: readFileSync(fake.log, "utf8").split("\n").filter(Boolean),
    summary: readFileSync(fake.summary, "utf8"),
  };
}

describe("rollback after a failed smoke test (.github/scripts/rollback.mjs)", () => {
  it("puts the previous image back on the server container and says so in the job summary", async () => {
    const result = await rollback({ PREVIOUS_IMAGE: PREVIOUS });
    expect(result.calls).toEqual([
      `containerapp update --name ca-mcp-prod --resource-group rg-mcp-prod --container-name mcp-server --image ${PREVIOUS} --only-show-errors --output none`,
    ]);
    expect(result.summary).toContain("### Smoke test failed: rolled back");
    expect(result.summary).toContain(PREVIOUS);
    // The deploy failed either way.
    expect(result.code).toBe(1);
  });

  it("says the rollback failed when az does", async () => {
    const result = await rollback({ PREVIOUS_IMAGE: PREVIOUS, FAKE_AZ_EXIT: "3" });
    expect(result.summary).toContain("rollback FAILED");
    expect(result.summary).toContain("exit 3");
    expect(result.code).toBe(2);
  });

  it("says nothing was rolled back when no previous image was recorded, and calls nothing", async () => {
    const result = await rollback({ PREVIOUS_IMAGE: "" });
    expect(result.calls).toEqual([]);
    expect(result.summary).toContain("NOT rolled back");
    expect(result.code).toBe(2);
  });
});

describe("plan summary for reviewers (.github/scripts/plan-summary.mjs)", () => {
  const change = (address: string, actions: string[], after: Record<string, unknown> = {}) => ({
    address,
    change: { actions, after },
  });

  async function summarize(plan: unknown) {
    const file = join(mkdtempSync(join(tmpdir(), "plan-")), "plan.json");
    writeFileSync(file, JSON.stringify(plan));
    return runScript("plan-summary.mjs", [file, "mcp-prod"]);
  }

  it("counts each action and lists every delete and replacement by address, without attribute values", async () => {
    const result = await summarize({
      resource_changes: [
        change("azurerm_container_app.Server", ["update"], { secret: "s3cret-value" }),
        change("azurerm_log_analytics_workspace.Workspace", ["delete", "create"]),
        change("azurerm_monitor_action_group.Alerts", ["create"]),
        change("azurerm_resource_group.Old", ["delete"]),
        change("random_password.Key", ["no-op"]),
      ],
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("## Plan for mcp-prod");
    expect(result.stdout).toContain("1 to add, 1 to change, 1 to replace, 1 to destroy.");
    expect(result.stdout).toContain("- `azurerm_log_analytics_workspace.Workspace`: replace");
    expect(result.stdout).toContain("- `azurerm_resource_group.Old`: delete");
    expect(result.stdout).not.toContain("azurerm_container_app.Server`");
    expect(result.stdout).not.toContain("s3cret-value");
  });

  it("has no destructive section when nothing is deleted", async () => {
    const result = await summarize({ resource_changes: [change("a.b", ["create"])] });
    expect(result.stdout).toContain("1 to add, 0 to change, 0 to replace, 0 to destroy.");
    expect(result.stdout).not.toContain("Deletes and replacements");
  });

  it("fails on an action it does not know instead of miscounting", async () => {
    const result = await summarize({ resource_changes: [change("a.b", ["teleport"])] });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('unknown change actions ["teleport"]');
  });
});
