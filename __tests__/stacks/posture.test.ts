import { App, Testing } from "cdktf";
import { EnvironmentConfig, environments } from "../../stacks/environments";
import { McpHostingStack } from "../../stacks/mcp-hosting-stack";
import { kqlErrors } from "../constructs/kql";

type Json = Record<string, unknown>;

function synthOf(environment: EnvironmentConfig): {
  resource: Record<string, Record<string, Json>>;
  output: Json;
} {
  const stack = new McpHostingStack(Testing.app() as App, environment.stackName, { environment });
  return JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Json>>; output: Json };
}

function all(synth: ReturnType<typeof synthOf>, type: string): Json[] {
  return Object.values(synth.resource[type] ?? {});
}

const dev = environments.find((environment) => environment.stackName === "mcp-dev")!;
const prod = environments.find((environment) => environment.stackName === "mcp-prod")!;

/** Every KQL query a stack deploys: log alert criteria and workbook panels. */
function deployedQueries(synth: ReturnType<typeof synthOf>): string[] {
  const alertQueries = all(synth, "azurerm_monitor_scheduled_query_rules_alert_v2").flatMap((rule) =>
    (rule.criteria as { query: string }[]).map((criterion) => criterion.query),
  );
  const workbookQueries = all(synth, "azurerm_application_insights_workbook").flatMap((workbook) =>
    (JSON.parse(workbook.data_json as string) as { items: { content: { query?: string } }[] }).items.flatMap(
      (item) => (item.content.query ? [item.content.query] : []),
    ),
  );
  return [...alertQueries, ...workbookQueries];
}

describe("production posture of the stacks", () => {
  it("mcp-prod runs a zone-redundant workload-profiles environment in its own virtual network", () => {
    const synth = synthOf(prod);
    expect(all(synth, "azurerm_virtual_network")).toEqual([
      expect.objectContaining({ name: "vnet-mcp-prod", address_space: ["10.40.0.0/16"] }),
    ]);
    expect(all(synth, "azurerm_subnet")).toEqual([
      expect.objectContaining({
        address_prefixes: ["10.40.0.0/23"],
        delegation: [
          expect.objectContaining({
            service_delegation: expect.objectContaining({ name: "Microsoft.App/environments" }),
          }),
        ],
      }),
    ]);
    expect(all(synth, "azurerm_container_app_environment")).toEqual([
      expect.objectContaining({
        zone_redundancy_enabled: true,
        internal_load_balancer_enabled: false,
        infrastructure_subnet_id: expect.stringMatching(/^\$\{azurerm_subnet\./),
        workload_profile: [{ name: "Consumption", workload_profile_type: "Consumption" }],
      }),
    ]);
  });

  it("mcp-prod has the availability test, four alerts, an action group and diagnostic settings", () => {
    const synth = synthOf(prod);
    expect(all(synth, "azurerm_application_insights_standard_web_test")).toHaveLength(1);
    expect(
      all(synth, "azurerm_monitor_scheduled_query_rules_alert_v2")
        .map((rule) => rule.name)
        .sort(),
    ).toEqual(["alert-mcp-prod-http5xx", "alert-mcp-prod-toolerrors", "alert-mcp-prod-toollatency"]);
    expect(
      all(synth, "azurerm_monitor_metric_alert")
        .map((alert) => alert.name)
        .sort(),
    ).toEqual(["alert-mcp-prod-availability", "alert-mcp-prod-replicarestarts"]);
    expect(all(synth, "azurerm_monitor_action_group")).toEqual([
      expect.objectContaining({ name: "ag-mcp-prod", email_receiver: [] }),
    ]);
    expect(
      all(synth, "azurerm_monitor_diagnostic_setting").map((setting) => setting.target_resource_id),
    ).toEqual([
      expect.stringMatching(/^\$\{azurerm_container_app_environment\./),
      expect.stringMatching(/^\$\{azurerm_container_registry\./),
    ]);
  });

  it("mcp-dev stays as cheap as before: Azure-managed network, no alerts, no web test, only the free workbook", () => {
    const synth = synthOf(dev);
    for (const type of [
      "azurerm_virtual_network",
      "azurerm_subnet",
      "azurerm_application_insights_standard_web_test",
      "azurerm_monitor_scheduled_query_rules_alert_v2",
      "azurerm_monitor_metric_alert",
      "azurerm_monitor_action_group",
      "azurerm_monitor_diagnostic_setting",
    ]) {
      expect([type, all(synth, type)]).toEqual([type, []]);
    }
    const [environment] = all(synth, "azurerm_container_app_environment");
    expect(environment).not.toHaveProperty("workload_profile");
    expect(environment).not.toHaveProperty("zone_redundancy_enabled");
    expect(all(synth, "azurerm_application_insights_workbook")).toHaveLength(1);
  });

  it.each([dev, prod].map((environment) => [environment.stackName, environment] as const))(
    "every KQL query %s deploys parses against the workspace schema",
    (_name, environment) => {
      const queries = deployedQueries(synthOf(environment));
      expect(queries.length).toBeGreaterThanOrEqual(6);
      for (const query of queries) expect(kqlErrors(query)).toEqual([]);
    },
  );

  it("mails the alert receivers of the environment config", () => {
    const synth = synthOf({
      ...prod,
      monitoring: { ...prod.monitoring!, alertEmailReceivers: ["oncall@example.com"] },
    });
    const [group] = all(synth, "azurerm_monitor_action_group");
    expect(group.email_receiver).toEqual([
      { name: "email-0", email_address: "oncall@example.com", use_common_alert_schema: true },
    ]);
  });

  it("binds a custom domain from the environment config and outputs the DNS records it needs", () => {
    const synth = synthOf({ ...prod, customDomainHostName: "mcp.example.com" });
    expect(all(synth, "azurerm_container_app_custom_domain")).toEqual([
      expect.objectContaining({ name: "mcp.example.com" }),
    ]);
    expect(all(synth, "azapi_update_resource")).toEqual([]);
    expect(all(synth, "azapi_resource_action").map((action) => [action.method, action.when])).toEqual([
      ["PATCH", undefined],
      ["PATCH", "destroy"],
    ]);
    expect(synth.output.mcp_url).toEqual({ value: "https://mcp.example.com/mcp" });
    expect(synth.output).toHaveProperty("custom_domain_dns_records");
  });

  it("fails when an alert email in the environment config is malformed", () => {
    expect(() =>
      synthOf({ ...prod, monitoring: { ...prod.monitoring!, alertEmailReceivers: ["oncall"] } }),
    ).toThrow(
      "McpAlerts 'mcp-prod/Alerts': emailReceivers[0] must be an email address like ops@example.com (got 'oncall')",
    );
  });
});
