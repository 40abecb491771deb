import { Testing } from "cdktf";
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights";
import { ContainerAppEnvironment } from "@cdktf/provider-azurerm/lib/container-app-environment";
import { DataAzurermContainerAppEnvironment } from "@cdktf/provider-azurerm/lib/data-azurerm-container-app-environment";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { McpEnvironment } from "../../constructs/mcp-environment";
import { placement, referenceTo, resources } from "./support/common";

const EXISTING =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shared/providers/Microsoft.App/managedEnvironments/cae-shared";

describe("McpEnvironment", () => {
  it("creates a Log Analytics workspace with the requested retention and an environment logging to it", () => {
    const synth = Testing.synthScope((scope) => {
      new McpEnvironment(scope, "Env", {
        ...placement,
        baseName: "demo",
        logRetentionInDays: 90,
        tags: { team: "a" },
      });
    });
    expect(synth).toHaveResourceWithProperties(LogAnalyticsWorkspace, {
      name: "log-demo",
      location: "northeurope",
      resource_group_name: "rg-test",
      sku: "PerGB2018",
      retention_in_days: 90,
      tags: { team: "a" },
    });
    expect(resources(synth, "azurerm_container_app_environment")).toEqual([
      expect.objectContaining({
        name: "cae-demo",
        location: "northeurope",
        resource_group_name: "rg-test",
        log_analytics_workspace_id: referenceTo("azurerm_log_analytics_workspace", "id"),
      }),
    ]);
    expect(synth).not.toHaveResource(ApplicationInsights);
  });

  it("keeps logs 30 days by default", () => {
    const synth = Testing.synthScope((scope) => {
      new McpEnvironment(scope, "Env", { ...placement, baseName: "demo" });
    });
    expect(synth).toHaveResourceWithProperties(LogAnalyticsWorkspace, { retention_in_days: 30 });
  });

  it("adds workspace-based Application Insights and exposes its connection string as a reference", () => {
    let env: McpEnvironment | undefined;
    const synth = Testing.synthScope((scope) => {
      env = new McpEnvironment(scope, "Env", {
        ...placement,
        baseName: "demo",
        applicationInsightsEnabled: true,
      });
    });
    expect(resources(synth, "azurerm_application_insights")).toEqual([
      expect.objectContaining({
        name: "appi-demo",
        application_type: "web",
        workspace_id: referenceTo("azurerm_log_analytics_workspace", "id"),
      }),
    ]);
    expect(env?.applicationInsightsConnectionString).toMatch(/TfToken/);
  });

  it("adopts an existing environment through a data source and creates nothing", () => {
    let env: McpEnvironment | undefined;
    const synth = Testing.synthScope((scope) => {
      env = new McpEnvironment(scope, "Env", { ...placement, existingEnvironmentResourceId: EXISTING });
    });
    expect(synth).toHaveDataSourceWithProperties(DataAzurermContainerAppEnvironment, {
      name: "cae-shared",
      resource_group_name: "rg-shared",
    });
    expect(synth).not.toHaveResource(ContainerAppEnvironment);
    expect(synth).not.toHaveResource(LogAnalyticsWorkspace);
    expect(env?.environmentId).toBe(EXISTING);
    expect(env?.workspace).toBeUndefined();
  });

  it("grants Log Analytics Reader on the workspace", () => {
    const synth = Testing.synthScope((scope) => {
      const env = new McpEnvironment(scope, "Env", { ...placement, baseName: "demo" });
      env.grantLogsRead(new UserAssignedIdentity(scope, "Id", { ...placement, name: "id" }));
    });
    expect(resources(synth, RoleAssignment.tfResourceType)).toEqual([
      expect.objectContaining({
        role_definition_name: "Log Analytics Reader",
        principal_id: referenceTo("azurerm_user_assigned_identity", "principal_id"),
        scope: referenceTo("azurerm_log_analytics_workspace", "id"),
        principal_type: "ServicePrincipal",
        skip_service_principal_aad_check: true,
      }),
    ]);
  });

  it.each([29, 731, 45.5])("fails when logRetentionInDays is %p", (days) => {
    expect(() =>
      Testing.synthScope((scope) => {
        new McpEnvironment(scope, "Env", { ...placement, baseName: "demo", logRetentionInDays: days });
      }),
    ).toThrow(
      new RegExp(
        `McpEnvironment 'stack/Env': logRetentionInDays must be an integer from 30 to 730 \\(got ${days}\\)`,
      ),
    );
  });

  it("fails when an existing environment is combined with props for a new one", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new McpEnvironment(scope, "Env", {
          ...placement,
          existingEnvironmentResourceId: EXISTING,
          baseName: "demo",
          applicationInsightsEnabled: true,
        });
      }),
    ).toThrow(/existingEnvironmentResourceId cannot be combined with baseName, applicationInsightsEnabled/);
  });

  it("fails when existingEnvironmentResourceId is not an environment id", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new McpEnvironment(scope, "Env", { ...placement, existingEnvironmentResourceId: "cae-shared" });
      }),
    ).toThrow(/existingEnvironmentResourceId must be a Container Apps environment id .*got 'cae-shared'/);
  });

  it("fails when baseName is missing for a new environment", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new McpEnvironment(scope, "Env", { ...placement });
      }),
    ).toThrow(/baseName is required unless existingEnvironmentResourceId is set/);
  });

  it("fails when grantLogsRead is called on an adopted environment", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const env = new McpEnvironment(scope, "Env", {
          ...placement,
          existingEnvironmentResourceId: EXISTING,
        });
        env.grantLogsRead(new UserAssignedIdentity(scope, "Id", { ...placement, name: "id" }));
      }),
    ).toThrow(/grantLogsRead needs the workspace/);
  });
});
