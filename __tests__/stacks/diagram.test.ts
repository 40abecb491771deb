import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { stackToDot, SynthesizedStack } from "../../stacks/diagram/stack-graph";

const ROOT = resolve(__dirname, "..", "..");
const DIAGRAMS = join(ROOT, "docs", "diagrams");
// The child synthesizes every stack (about 3 s of CPU alone, minutes of wall time on two cores shared by
// many): this bounds a hang, not its speed, and each test waits as long as its child may run.
const CHILD_HANG_MS = 10 * 60_000;
const CHILD_TEST_MS = CHILD_HANG_MS + 30_000;

/** `npm run diagram -- <args>` as a real child process; resolves with its exit code and stderr. */
async function diagram(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(ROOT, "stacks", "diagram", "main.ts"), ...args],
      { cwd: ROOT, timeout: CHILD_HANG_MS },
    );
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? "" };
  }
}

const meta = (path: string) => ({ "//": { metadata: { path } } });
const STACK: SynthesizedStack = {
  resource: {
    azurerm_resource_group: { rg: { name: "rg", ...meta("s/ResourceGroup") } },
    azurerm_log_analytics_workspace: {
      ws: { resource_group_name: "${azurerm_resource_group.rg.name}", ...meta("s/Environment/Workspace") },
    },
    azurerm_application_insights_workbook: {
      wb: { source_id: "${lower(azurerm_log_analytics_workspace.ws.id)}", ...meta("s/Workbook/Resource") },
    },
    terraform_data: {
      img: { depends_on: ["azurerm_log_analytics_workspace.ws"], ...meta("s/Image/Resource") },
    },
  },
  data: { azurerm_client_config: { cc: meta("s/ClientConfig") } },
};

describe("stack diagrams", () => {
  it("draws a node per resource and data source, grouped by construct, with its id and type as label", () => {
    const dot = stackToDot("s", STACK);
    expect(dot).toContain('label="Environment"');
    expect(dot).toContain(
      '"azurerm_log_analytics_workspace.ws" [label="Workspace\\nlog_analytics_workspace"]',
    );
    expect(dot).toMatch(
      /"data\.azurerm_client_config\.cc" \[label="ClientConfig\\ndata client_config", style="rounded,dashed"/,
    );
  });

  it("draws an edge per reference, inside expressions and depends_on, fainter to the resource group", () => {
    const edges = stackToDot("s", STACK)
      .split("\n")
      .filter((line) => line.includes("->"))
      .map((line) => line.trim());
    expect(edges).toEqual([
      '"azurerm_log_analytics_workspace.ws" -> "azurerm_resource_group.rg" [style=dotted, color="#bbbbbb"];',
      '"terraform_data.img" -> "azurerm_log_analytics_workspace.ws";',
      '"azurerm_application_insights_workbook.wb" -> "azurerm_log_analytics_workspace.ws";',
    ]);
  });

  it("gives the same text whatever order the stack's JSON lists things in", () => {
    const reversed: SynthesizedStack = {
      data: STACK.data,
      resource: Object.fromEntries(Object.entries(STACK.resource!).reverse()),
    };
    expect(stackToDot("s", reversed)).toBe(stackToDot("s", STACK));
  });

  it(
    "the committed docs/diagrams match the synthesized stacks (run `npm run diagram` after a stack change)",
    async () => {
      const { code, stderr } = await diagram(["--check"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(readdirSync(DIAGRAMS).sort()).toEqual(["mcp-bootstrap.svg", "mcp-dev.svg", "mcp-prod.svg"]);
      const svg = readFileSync(join(DIAGRAMS, "mcp-dev.svg"), "utf8");
      expect(svg).toContain("<svg");
      expect(svg).toContain("<title>mcp&#45;dev</title>");
    },
    CHILD_TEST_MS,
  );

  it(
    "the check fails and names the diagram when a committed one no longer matches",
    async () => {
      const copy = mkdtempSync(join(tmpdir(), "diagrams-"));
      cpSync(DIAGRAMS, copy, { recursive: true });
      writeFileSync(
        join(copy, "mcp-prod.svg"),
        readFileSync(join(copy, "mcp-prod.svg"), "utf8").replace("Workspace", "Wrkspace"),
      );
      const { code, stderr } = await diagram(["--check", "--out", copy]);
      expect(code).toBe(1);
      expect(stderr).toContain("docs/diagrams/mcp-prod.svg is out of date: run npm run diagram");
      expect(stderr).not.toContain("mcp-dev.svg");
    },
    CHILD_TEST_MS,
  );
});
