import { App, Testing } from "cdktf";
import { EnvironmentConfig, environments } from "../../stacks/environments";
import { McpHostingStack } from "../../stacks/mcp-hosting-stack";
import { kqlErrors } from "../constructs/support/kql";

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
    ).toEqual(["alert-mcp-prod-availability", "alert-mcp-prod-ingress5xx", "alert-mcp-prod-replicarestarts"]);
    expect(all(synth, "azurerm_monitor_action_group")).toEqual([
      expect.objectContaining({ name: "ag-mcp-prod", email_receiver: [], webhook_receiver: [] }),
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

  describe("prod operations", () => {
    const variables = (synth: ReturnType<typeof synthOf>) =>
      (synth as unknown as { variable?: Record<string, { validation: { error_message: string }[] }> })
        .variable ?? {};
    const callers = ["11111111-2222-3333-4444-555555555555"];
    const configured: EnvironmentConfig = {
      ...prod,
      entraCallerGroupObjectIds: callers,
      monitoring: { ...prod.monitoring!, alertEmailReceivers: ["oncall@example.com"] },
    };

    it("Terraform refuses to plan mcp-prod until it names alert receivers and a caller group", () => {
      const refused = variables(synthOf(prod));
      expect(Object.keys(refused).sort()).toEqual(["refused_no_alert_receivers", "refused_no_caller_group"]);
      expect(refused.refused_no_alert_receivers.validation[0].error_message).toContain(
        "mcp-prod requires alert receivers but names none: add alertEmailReceivers or alertWebhookReceivers",
      );
      expect(refused.refused_no_caller_group.validation[0].error_message).toContain(
        "entraCallerGroupObjectIds",
      );
      expect(variables(synthOf(configured))).toEqual({});
      expect(variables(synthOf(dev))).toEqual({});
    });

    it("only assigned principals get tokens for prod: the named group (default access) and the deployer", () => {
      const synth = JSON.stringify(synthOf(configured));
      const parsed = synthOf(configured);
      expect(all(parsed, "azuread_service_principal")).toEqual([
        expect.objectContaining({ app_role_assignment_required: true }),
      ]);
      expect(all(parsed, "azuread_app_role_assignment")).toEqual([
        expect.objectContaining({
          principal_object_id: callers[0],
          app_role_id: "00000000-0000-0000-0000-000000000000",
        }),
      ]);
      expect(synth).not.toContain('app_role_assignment_required":false');
      expect(all(synthOf(dev), "azuread_service_principal")).toEqual([
        expect.objectContaining({ app_role_assignment_required: false }),
      ]);
    });

    it("alerts on ingress 5xx from the platform Requests metric split by status code category", () => {
      const ingress = all(synthOf(configured), "azurerm_monitor_metric_alert").find(
        (alert) => alert.name === "alert-mcp-prod-ingress5xx",
      );
      expect(ingress?.criteria).toEqual([
        expect.objectContaining({
          metric_namespace: "Microsoft.App/containerApps",
          metric_name: "Requests",
          aggregation: "Total",
          operator: "GreaterThan",
          threshold: 10,
          dimension: [{ name: "statusCodeCategory", operator: "Include", values: ["5xx"] }],
        }),
      ]);
      expect(ingress?.scopes).toEqual([expect.stringMatching(/^\$\{azurerm_container_app\./)]);
    });

    it("runs three replicas over the zones, on the environment's Consumption workload profile", () => {
      const [app] = all(synthOf(configured), "azurerm_container_app");
      expect(app.workload_profile_name).toBe("Consumption");
      expect((app.template as { min_replicas: number }).min_replicas).toBe(3);
      const [environment] = all(synthOf(configured), "azurerm_container_app_environment");
      expect(environment.zone_redundancy_enabled).toBe(true);
      expect(environment.workload_profile).toEqual([
        { name: "Consumption", workload_profile_type: "Consumption" },
      ]);
      const [devApp] = all(synthOf(dev), "azurerm_container_app");
      expect(devApp).not.toHaveProperty("workload_profile_name");
    });

    it("calls webhooks of the environment config, refusing one that could carry a secret", () => {
      const withHook = (serviceUri: string) =>
        synthOf({
          ...configured,
          monitoring: { ...configured.monitoring!, alertWebhookReceivers: [{ name: "oncall", serviceUri }] },
        });
      const [group] = all(withHook("https://alerts.example.com/mcp"), "azurerm_monitor_action_group");
      expect(group.webhook_receiver).toEqual([
        { name: "oncall", service_uri: "https://alerts.example.com/mcp", use_common_alert_schema: true },
      ]);
      expect(() => withHook("https://alerts.example.com/mcp?code=s3cret")).toThrow(
        "McpAlerts 'mcp-prod/Alerts': webhookReceivers[0].serviceUri must have no query string or fragment (they often carry a secret) (got 'https://alerts.example.com/mcp?code=s3cret')",
      );
      expect(() => withHook("http://alerts.example.com/mcp")).toThrow(/must be an https URL/);
    });
  });

  it("destroys its own resource group even though Application Insights filled it (this stack's provider only)", () => {
    for (const environment of [dev, prod]) {
      const synth = synthOf(environment) as unknown as { provider: { azurerm: Json[] } };
      expect(synth.provider.azurerm).toEqual([
        expect.objectContaining({
          features: [{ resource_group: [{ prevent_deletion_if_contains_resources: false }] }],
        }),
      ]);
    }
  });

  it("with the bootstrap's resource group, reads it and forgets (never destroys) one an earlier deploy created", () => {
    const stack = new McpHostingStack(Testing.app() as App, "mcp-dev", {
      environment: dev,
      existingResourceGroup: true,
    });
    const synth = JSON.parse(Testing.synth(stack)) as {
      resource: Record<string, unknown>;
      data: Record<string, Record<string, Json>>;
      removed: Json[];
    };
    expect(synth.resource).not.toHaveProperty("azurerm_resource_group");
    expect(synth.data.azurerm_resource_group.ResourceGroup).toEqual({ name: "rg-mcp-dev" });
    expect(synth.removed).toEqual([
      { from: "azurerm_resource_group.ResourceGroup", lifecycle: [{ destroy: false }] },
    ]);
  });

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
