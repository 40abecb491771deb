import { Fn } from "cdktf";
import { Construct } from "constructs";
import { ApplicationInsightsWorkbook } from "@cdktf/provider-azurerm/lib/application-insights-workbook";
import { McpContainerApp } from "./mcp-container-app";
import { McpEnvironment } from "./mcp-environment";
import { workbookQueries } from "./monitoring-queries";
import { stableUuid } from "./private/stable-ids";
import { ValidationError } from "./validation-error";

/** Props of `McpWorkbook`. */
export interface McpWorkbookProps {
  /** Resource group of the workbook. */
  readonly resourceGroupName: string;
  /** Azure region of the workbook; always explicit. */
  readonly location: string;
  /** Shown as `MCP server <displayName>` in Azure Monitor > Workbooks. */
  readonly displayName: string;
  /** The environment whose workspace the workbook queries; it must be one this library created. */
  readonly environment: McpEnvironment;
  /** The app whose logs the workbook queries. */
  readonly app: McpContainerApp;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

type Visualization = "timechart" | "table" | "barchart";

/** Title and chart of each workbook query, in display order. */
const PANELS: Record<
  keyof ReturnType<typeof workbookQueries>,
  { title: string; visualization: Visualization }
> = {
  toolCallsOverTime: { title: "Tool calls per tool", visualization: "timechart" },
  toolLatency: { title: "Tool call latency (p50 / p95 ms)", visualization: "table" },
  toolErrorRate: { title: "Tool error rate (%)", visualization: "timechart" },
  authRejections: { title: "401 / 403 / 429 responses", visualization: "timechart" },
  topCallers: { title: "Top callers (callerId)", visualization: "table" },
  replicaCount: { title: "Replicas", visualization: "timechart" },
};

/**
 * An Azure Monitor workbook over the environment's workspace: tool calls per tool, p50 / p95 latency per
 * tool, error rate, 401 / 403 / 429 counts, top callers by `callerId`, replica count.
 */
export class McpWorkbook extends Construct {
  /** The workbook (`Resource`). */
  public readonly resource: ApplicationInsightsWorkbook;

  constructor(scope: Construct, id: string, props: McpWorkbookProps) {
    super(scope, id);
    const workspace = props.environment.workspace;
    if (!workspace) {
      throw new ValidationError(
        "environment must be one McpEnvironment created (got an adopted existing environment: no workspace to query)",
        this,
      );
    }
    // Azure returns the id in lowercase; anything else shows as a change on every plan.
    const workspaceId = Fn.lower(workspace.id);
    const queries = workbookQueries(props.app.name);
    const items: unknown[] = [
      {
        type: 1,
        name: "title",
        content: {
          json: `## MCP server ${props.displayName}\nTool calls come from the server's \`tools/call\` spans, HTTP status and callers from its request log lines.`,
        },
      },
      {
        type: 9,
        name: "parameters",
        content: {
          version: "KqlParameterItem/1.0",
          parameters: [
            {
              id: stableUuid(`${this.node.path}/TimeRange`),
              version: "KqlParameterItem/1.0",
              name: "TimeRange",
              label: "Time range",
              type: 4,
              isRequired: true,
              value: { durationMs: 86400000 },
              typeSettings: {
                selectableValues: [
                  { durationMs: 3600000 },
                  { durationMs: 86400000 },
                  { durationMs: 604800000 },
                ],
              },
            },
          ],
        },
      },
      ...Object.entries(PANELS).map(([name, panel]) => ({
        type: 3,
        name,
        content: {
          version: "KqlItem/1.0",
          title: panel.title,
          query: queries[name as keyof typeof queries],
          queryType: 0,
          resourceType: "microsoft.operationalinsights/workspaces",
          timeContextFromParameter: "TimeRange",
          visualization: panel.visualization,
          size: 0,
        },
      })),
    ];
    this.resource = new ApplicationInsightsWorkbook(this, "Resource", {
      // A workbook's name is a GUID; derived from the construct path it stays the same on every synth.
      name: stableUuid(`workbook:${this.node.path}`),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      displayName: `MCP server ${props.displayName}`,
      sourceId: workspaceId,
      category: "workbook",
      dataJson: JSON.stringify({ version: "Notebook/1.0", items, fallbackResourceIds: [workspaceId] }),
      tags: { ...props.tags },
    });
  }
}
