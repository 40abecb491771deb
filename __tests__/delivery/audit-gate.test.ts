import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, runScript } from "./support/run-script";

const fixture = (name: string) => join(__dirname, "fixtures", name);
const workDir = mkdtempSync(join(tmpdir(), "audit-gate-"));

function allowlist(entries: readonly object[]): string {
  const path = join(workDir, `allowlist-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify({ entries }));
  return path;
}

function gate(auditFixture: string, allowlistPath: string, today = "2026-11-22") {
  return runScript("audit-gate.mjs", [
    "--audit-json",
    fixture(auditFixture),
    "--allowlist",
    allowlistPath,
    "--today",
    today,
  ]);
}

const acceptBoth = [
  {
    id: "GHSA-9wv6-86v2-598j",
    package: "path-to-regexp",
    reason: "only in a dev-time route table",
    expires: "2026-12-31",
  },
  { id: "1106509", reason: "boundary never sent off-host", expires: "2026-11-22" },
];

describe("audit gate (.github/scripts/audit-gate.mjs)", () => {
  it("passes a report without findings", async () => {
    const result = await gate("audit-clean.json", allowlist([]));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("fails on high and critical findings and names each advisory, ignoring low ones", async () => {
    const result = await gate("audit-findings.json", allowlist([]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("2 high/critical finding(s)");
    expect(result.stderr).toContain("HIGH path-to-regexp");
    expect(result.stderr).toContain("GHSA-9wv6-86v2-598j");
    expect(result.stderr).toContain("CRITICAL form-data");
    expect(result.stderr).not.toContain("brace-expansion");
  });

  it("passes when every blocking finding is accepted by an unexpired entry (GHSA id or npm advisory number)", async () => {
    const result = await gate("audit-findings.json", allowlist(acceptBoth));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("accepted until 2026-12-31");
    expect(result.stdout).toContain("boundary never sent off-host");
  });

  it("fails again once an entry has expired, and says so", async () => {
    const result = await gate("audit-findings.json", allowlist(acceptBoth), "2026-11-23");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("CRITICAL form-data");
    expect(result.stderr).toContain("allow-list entry expired on 2026-11-22");
    expect(result.stderr).not.toContain("path-to-regexp");
  });

  it("does not accept a finding when the entry names another package", async () => {
    const entries = [{ ...acceptBoth[0], package: "express" }, acceptBoth[1]];
    const result = await gate("audit-findings.json", allowlist(entries));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("HIGH path-to-regexp");
  });

  it("reports entries that match no finding so they get removed", async () => {
    const result = await gate("audit-clean.json", allowlist(acceptBoth));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("GHSA-9wv6-86v2-598j matches no current finding");
  });

  it("fails when an entry has no reason, naming the field", async () => {
    const result = await gate(
      "audit-findings.json",
      allowlist([{ id: "GHSA-9wv6-86v2-598j", expires: "2027-01-01" }]),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/entries\[0\]\.reason must be a non-empty string \(got undefined\)/);
  });

  it("fails when an expiry is not a date", async () => {
    const entries = [{ id: "GHSA-9wv6-86v2-598j", reason: "r", expires: "next year" }];
    const result = await gate("audit-findings.json", allowlist(entries));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("entries[0].expires must be a date YYYY-MM-DD (got 'next year')");
  });

  it("fails closed when npm audit itself failed (registry error report)", async () => {
    const result = await gate("audit-registry-error.json", allowlist([]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("npm audit failed: 405 Method Not Allowed");
  });

  it("the checked-in allow-list is valid and has no expired entries", () => {
    const file = JSON.parse(readFileSync(join(repoRoot, ".github", "audit-allowlist.json"), "utf8")) as {
      entries: { id: string; reason: string; expires: string }[];
    };
    const today = new Date().toISOString().slice(0, 10);
    for (const entry of file.entries) {
      expect(entry.reason.length).toBeGreaterThan(0);
      expect(entry.expires >= today).toBe(true);
    }
    return gate("audit-clean.json", join(repoRoot, ".github", "audit-allowlist.json")).then((result) =>
      expect(result.code).toBe(0),
    );
  });
});
