import { Testing } from "cdktf";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import { McpAlerts, McpAlertsProps } from "../../constructs/mcp-alerts";
import { McpEnvironment } from "../../constructs/mcp-environment";
import { alertQueries } from "../../constructs/monitoring-queries";
import { placement, referenceTo, resources } from "./support/common";
import { kqlErrors } from "./support/kql";
import { monitoredApp } from "./support/monitored-app";

function synthAlerts(props: Partial<McpAlertsProps> = {}): string {
  return Testing.synthScope((scope) => {
    const { environment, app } = monitoredApp(scope);
    new McpAlerts(scope, "Alerts", { ...placement, baseName: "mcp-test", environment, app, ...props });
  });
}

type Rule = {
  name: string;
  scopes: string[];
  criteria: { query: string; metric_measure_column: string; threshold: number; dimension?: unknown }[];
  action: { action_groups: string[] };
};

function rules(synth: string): Record<string, Rule> {
  const all = resources(synth, "azurerm_monitor_scheduled_query_rules_alert_v2") as unknown as Rule[];
  return Object.fromEntries(all.map((rule) => [rule.name, rule]));
}

describe("McpAlerts", () => {
  it("creates an action group without receivers when no email is configured", () => {
    const synth = synthAlerts();
    const [group] = resources(synth, "azurerm_monitor_action_group");
    expect(group).toMatchObject({ name: "ag-mcp-test", short_name: "mcp-test", location: "global" });
    expect(group.email_receiver ?? []).toEqual([]);
  });

  it("mails every configured receiver with the common alert schema", () => {
    expect(
      synthAlerts({ emailReceivers: ["ops@example.com", "oncall@example.org"] }),
    ).toHaveResourceWithProperties(MonitorActionGroup, {
      email_receiver: [
        { name: "email-0", email_address: "ops@example.com", use_common_alert_schema: true },
        { name: "email-1", email_address: "oncall@example.org", use_common_alert_schema: true },
      ],
    });
  });

  it("creates the three log alerts on the workspace with the default thresholds, sent to the action group", () => {
    const byName = rules(synthAlerts());
    expect(Object.keys(byName).sort()).toEqual([
      "alert-mcp-test-http5xx",
      "alert-mcp-test-toolerrors",
      "alert-mcp-test-toollatency",
    ]);
    const queries = alertQueries("ca-test");
    const expected: Record<string, [string, string, number, boolean]> = {
      "alert-mcp-test-http5xx": [queries.http5xxPercent, "failedPercent", 5, false],
      "alert-mcp-test-toollatency": [queries.toolLatencyP95, "p95Ms", 5000, true],
      "alert-mcp-test-toolerrors": [queries.toolErrorPercent, "errorPercent", 10, true],
    };
    for (const [name, [query, column, threshold, perTool]] of Object.entries(expected)) {
      const rule = byName[name];
      expect(rule.scopes).toEqual([referenceTo("azurerm_log_analytics_workspace", "id")]);
      expect(rule.action.action_groups).toEqual([referenceTo("azurerm_monitor_action_group", "id")]);
      expect(rule.criteria[0]).toMatchObject({ query, metric_measure_column: column, threshold });
      expect(rule).toMatchObject({
        skip_query_validation: true,
        evaluation_frequency: "PT5M",
        window_duration: "PT15M",
      });
      expect(rule.criteria[0].dimension).toEqual(
        perTool ? [{ name: "tool", operator: "Include", values: ["*"] }] : undefined,
      );
    }
  });

  it("synthesizes queries the Kusto language service accepts against the workspace schema", () => {
    for (const rule of Object.values(rules(synthAlerts()))) {
      expect(kqlErrors(rule.criteria[0].query)).toEqual([]);
    }
  });

  it("alerts on replica restarts from the app's RestartCount metric", () => {
    expect(synthAlerts({ replicaRestartsThreshold: 4 })).toHaveResourceWithProperties(MonitorMetricAlert, {
      name: "alert-mcp-test-replicarestarts",
      window_size: "PT15M",
      criteria: [
        {
          metric_namespace: "Microsoft.App/containerApps",
          metric_name: "RestartCount",
          aggregation: "Total",
          operator: "GreaterThan",
          threshold: 4,
        },
      ],
    });
  });

  it("takes thresholds from props", () => {
    const byName = rules(synthAlerts({ http5xxPercentThreshold: 1, toolLatencyP95ThresholdMs: 800 }));
    expect(byName["alert-mcp-test-http5xx"].criteria[0].threshold).toBe(1);
    expect(byName["alert-mcp-test-toollatency"].criteria[0].threshold).toBe(800);
  });

  it("fails when an email receiver is malformed", () => {
    expect(() => synthAlerts({ emailReceivers: ["ops@example.com", "ops at example.com"] })).toThrow(
      "McpAlerts 'stack/Alerts': emailReceivers[1] must be an email address like ops@example.com (got 'ops at example.com')",
    );
  });

  it("fails when a threshold is negative", () => {
    expect(() => synthAlerts({ toolErrorPercentThreshold: -1 })).toThrow(
      /toolErrorPercentThreshold must be a number >= 0 \(got -1\)/,
    );
  });

  it("fails when the environment has no Application Insights", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const { app } = monitoredApp(scope);
        const bare = new McpEnvironment(scope, "Bare", { ...placement, baseName: "bare" });
        new McpAlerts(scope, "Alerts", { ...placement, baseName: "x", environment: bare, app });
      }),
    ).toThrow(
      "McpAlerts 'stack/Alerts': environment needs applicationInsightsEnabled=true (got false): the tool alerts read the server's tools/call spans",
    );
  });

  it("fails when the environment is adopted and has no workspace", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const { app } = monitoredApp(scope);
        const adopted = new McpEnvironment(scope, "Adopted", {
          ...placement,
          existingEnvironmentResourceId:
            "/subscriptions/0/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/cae",
        });
        new McpAlerts(scope, "Alerts", { ...placement, baseName: "x", environment: adopted, app });
      }),
    ).toThrow(/environment must be one McpEnvironment created \(got an adopted existing environment/);
  });
});
