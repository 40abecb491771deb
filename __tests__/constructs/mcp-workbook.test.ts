import { Testing } from "cdktf";
import { McpWorkbook } from "../../constructs/mcp-workbook";
import { workbookQueries } from "../../constructs/monitoring-queries";
import { GUID_PATTERN } from "../../constructs/private/stable-ids";
import { placement, resources } from "./support/common";
import { kqlErrors } from "./support/kql";
import { monitoredApp } from "./support/monitored-app";

interface WorkbookItem {
  type: number;
  name: string;
  content: { query?: string; visualization?: string; timeContextFromParameter?: string };
}

function synthWorkbook(): Record<string, unknown> {
  const synth = Testing.synthScope((scope) => {
    const { environment, app } = monitoredApp(scope);
    new McpWorkbook(scope, "Workbook", { ...placement, displayName: "mcp-test", environment, app });
  });
  const [workbook] = resources(synth, "azurerm_application_insights_workbook");
  return workbook;
}

describe("McpWorkbook", () => {
  it("is a named workbook over the lower-cased workspace id with a stable GUID name", () => {
    const workbook = synthWorkbook();
    expect(workbook).toMatchObject({
      display_name: "MCP server mcp-test",
      source_id: expect.stringMatching(/^\$\{lower\(azurerm_log_analytics_workspace\.\w+\.id\)\}$/),
    });
    expect(workbook.name).toMatch(GUID_PATTERN);
    expect(synthWorkbook().name).toBe(workbook.name);
  });

  it("has one query panel per operations metric, in order, each on the time range parameter", () => {
    const data = JSON.parse(synthWorkbook().data_json as string) as { items: WorkbookItem[] };
    const panels = data.items.filter((item) => item.type === 3);
    expect(panels.map((panel) => panel.name)).toEqual([
      "toolCallsOverTime",
      "toolLatency",
      "toolErrorRate",
      "authRejections",
      "topCallers",
      "replicaCount",
    ]);
    const queries = workbookQueries("ca-test");
    for (const panel of panels) {
      expect(panel.content.query).toBe(queries[panel.name as keyof typeof queries]);
      expect(panel.content.timeContextFromParameter).toBe("TimeRange");
    }
    expect(
      data.items.some((item) => item.type === 9 && JSON.stringify(item).includes('"name":"TimeRange"')),
    ).toBe(true);
  });

  it("synthesizes only queries the Kusto language service accepts against the workspace schema", () => {
    const data = JSON.parse(synthWorkbook().data_json as string) as { items: WorkbookItem[] };
    const queries = data.items.flatMap((item) => (item.content.query ? [item.content.query] : []));
    expect(queries).toHaveLength(6);
    for (const query of queries) expect(kqlErrors(query)).toEqual([]);
  });
});
