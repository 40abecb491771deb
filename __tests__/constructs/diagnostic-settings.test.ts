import { Testing } from "cdktf";
import { ContainerRegistry } from "../../constructs/container-registry";
import { McpEnvironment } from "../../constructs/mcp-environment";
import { placement, referenceTo, resources } from "./support/common";

describe("diagnostic settings", () => {
  it("send the registry's login and repository events and its metrics to the workspace", () => {
    const synth = Testing.synthScope((scope) => {
      const environment = new McpEnvironment(scope, "Env", { ...placement, baseName: "demo" });
      new ContainerRegistry(scope, "Registry", {
        ...placement,
        diagnosticsWorkspaceResourceId: environment.workspace!.id,
      });
    });
    expect(resources(synth, "azurerm_monitor_diagnostic_setting")).toEqual([
      {
        name: "to-log-analytics",
        target_resource_id: referenceTo("azurerm_container_registry", "id"),
        log_analytics_workspace_id: referenceTo("azurerm_log_analytics_workspace", "id"),
        log_analytics_destination_type: "Dedicated",
        enabled_log: [
          { category: "ContainerRegistryLoginEvents" },
          { category: "ContainerRegistryRepositoryEvents" },
        ],
        enabled_metric: [{ category: "AllMetrics" }],
      },
    ]);
  });

  it("send the environment's metrics, and not its logs (they reach the workspace already), when enabled", () => {
    const synth = Testing.synthScope((scope) => {
      new McpEnvironment(scope, "Env", { ...placement, baseName: "demo", diagnosticSettingsEnabled: true });
    });
    const [setting] = resources(synth, "azurerm_monitor_diagnostic_setting");
    expect(setting).toMatchObject({
      target_resource_id: referenceTo("azurerm_container_app_environment", "id"),
      enabled_metric: [{ category: "AllMetrics" }],
    });
    expect(setting.enabled_log ?? []).toEqual([]);
  });

  it("are absent unless asked for", () => {
    const synth = Testing.synthScope((scope) => {
      new McpEnvironment(scope, "Env", { ...placement, baseName: "demo" });
      new ContainerRegistry(scope, "Registry", placement);
    });
    expect(resources(synth, "azurerm_monitor_diagnostic_setting")).toEqual([]);
  });
});
