import { readFileSync } from "node:fs";
import { join } from "node:path";
import { kqlErrors } from "../constructs/support/kql";

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

/** The names `deployment-inputs.ts` and `remote-state.ts` read that a pipeline-managed stack needs set. */
const PIPELINE_SETTINGS = [
  "TFSTATE_RESOURCE_GROUP",
  "TFSTATE_STORAGE_ACCOUNT",
  "TFSTATE_CONTAINER",
  "MCP_DEPLOYER_PRINCIPAL_ID",
];

describe("deploy commands in docs/operations.md", () => {
  const blocks = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
  const deploys = blocks.filter((block) => /npm run deploy -- mcp-(dev|prod)\b/.test(block));

  it("has the rollback deploy", () => {
    expect(deploys.length).toBeGreaterThan(0);
  });

  it.each(PIPELINE_SETTINGS)(
    "every deploy of a pipeline stack sets %s first (remote state, owners)",
    (name) => {
      for (const block of deploys) {
        const setting = block.indexOf(name);
        expect(setting).toBeGreaterThanOrEqual(0);
        expect(setting).toBeLessThan(block.indexOf("npm run deploy"));
      }
    },
  );

  it("the settings it names are read by the stacks", () => {
    const sources = ["deployment-inputs.ts", "remote-state.ts"]
      .map((file) => readFileSync(join(__dirname, "..", "..", "stacks", file), "utf8"))
      .join("\n");
    for (const name of PIPELINE_SETTINGS) expect(sources).toContain(`env.${name}`);
  });
});
