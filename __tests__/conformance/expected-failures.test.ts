import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { readExpectedFailures, writeCliBaseline } from "./support/expected-failures";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "expected-failures-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(text: string): string {
  const path = join(dir, "expected-failures.yml");
  writeFileSync(path, text);
  return path;
}

describe("readExpectedFailures", () => {
  it("reads entries per target and era, and an era left out as none", () => {
    const failures = readExpectedFailures(
      file(`bundled:\n  "2025-11-25":\n    - scenario: "server-stateless:some-check"\n      reason: why\n`),
    );
    expect(failures.bundled["2025-11-25"]).toEqual([
      { scenario: "server-stateless:some-check", reason: "why" },
    ]);
    expect(failures.bundled["2026-07-28"]).toEqual([]);
    expect(failures.fixtures["2025-11-25"]).toEqual([]);
  });

  it("fails when an entry has no reason, naming the entry", () => {
    const path = file(`fixtures:\n  "2026-07-28":\n    - scenario: ping\n`);
    expect(() => readExpectedFailures(path)).toThrow(
      /fixtures\.2026-07-28\[0\] must be \{ scenario: <name or name:check-id>, reason: <why> \} \(got \{"scenario":"ping"\}\)/,
    );
  });

  it("fails when an era is not a list", () => {
    expect(() => readExpectedFailures(file(`fixtures:\n  "2026-07-28": ping\n`))).toThrow(
      /fixtures\.2026-07-28 must be a list \(got "ping"\)/,
    );
  });

  it("accepts the repository's own file", () => {
    const failures = readExpectedFailures(join(__dirname, "fixtures", "expected-failures.yml"));
    for (const entry of Object.values(failures).flatMap((eras) => Object.values(eras).flat())) {
      expect(entry.reason.length).toBeGreaterThan(20);
    }
  });
});

describe("writeCliBaseline", () => {
  it("writes the CLI's server list for one target and era", () => {
    const path = writeCliBaseline(dir, "fixtures", "2025-11-25", [
      { scenario: "tools-call-sampling", reason: "needs a session" },
    ]);
    expect(parse(readFileSync(path, "utf8"))).toEqual({ server: ["tools-call-sampling"] });
  });
});
