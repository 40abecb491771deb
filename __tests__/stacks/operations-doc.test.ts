import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kqlErrors } from "../constructs/kql";

const DOC = readFileSync(join(__dirname, "..", "..", "docs", "operations.md"), "utf8");
const QUERIES = [...DOC.matchAll(/```kusto\n([\s\S]*?)```/g)].map((match) => match[1].replace(/^ {2}/gm, ""));

describe("docs/operations.md", () => {
  it("has the runbook queries", () => {
    expect(QUERIES.length).toBeGreaterThanOrEqual(3);
  });

  it.each(QUERIES.map((query) => [query.split("\n")[0], query]))(
    "its query on %s parses against the workspace schema",
    (_table, query) => {
      expect(kqlErrors(query)).toEqual([]);
    },
  );
});
