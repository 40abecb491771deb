import { App, Testing } from "cdktf";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { bootstrapConfig, PLACEHOLDER_GITHUB_REPOSITORY } from "../../stacks/bootstrap-config";
import { McpBootstrapStack, McpBootstrapStackProps } from "../../stacks/bootstrap-stack";

const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const LOG_ANALYTICS_READER = "73c42c96-874c-492b-b04d-ab87d138a893";

const props: McpBootstrapStackProps = {
  githubRepository: "contoso/mcp-platform",
  githubEnvironments: ["dev", "prod"],
  location: "northeurope",
  prefix: "demo",
  storageAccountName: "stdemotfstate01",
  tags: { owner: "platform" },
};

function synth(overrides: Partial<McpBootstrapStackProps> = {}): string {
  return Testing.synth(
    new McpBootstrapStack(Testing.app() as App, "mcp-bootstrap", { ...props, ...overrides }),
  );
}

interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown }>;
}

function resources(json: string, type: string): Record<string, unknown>[] {
  return Object.values((JSON.parse(json) as TerraformJson).resource[type] ?? {});
}

function roleAssignment(json: string, roleName: string): Record<string, unknown> {
  const found = resources(json, "azurerm_role_assignment").filter((r) => r.role_definition_name === roleName);
  expect(found).toHaveLength(1);
  return found[0];
}

describe("McpBootstrapStack", () => {
  const json = synth();

  it("stores state in a hardened account: TLS 1.2, HTTPS only, no public blobs, versioning and soft delete", () => {
    expect(json).toHaveResourceWithProperties(StorageAccount, {
      name: "stdemotfstate01",
      location: "northeurope",
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      allow_nested_items_to_be_public: false,
      blob_properties: {
        versioning_enabled: true,
        delete_retention_policy: { days: 30 },
        container_delete_retention_policy: { days: 30 },
      },
    });
    expect(json).toHaveResourceWithProperties(StorageContainer, {
      name: "tfstate",
      container_access_type: "private",
    });
  });

  it("makes the pipeline reach state with its Entra identity, never with account keys, and keeps state in this tenant", () => {
    expect(json).toHaveResourceWithProperties(StorageAccount, {
      default_to_oauth_authentication: true,
      cross_tenant_replication_enabled: false,
    });
  });

  it("grants every deployer role to the deployer identity as a service principal", () => {
    const deployerRoles = [
      "Contributor",
      "Role Based Access Control Administrator",
      "Storage Blob Data Contributor",
    ];
    for (const role of deployerRoles) {
      expect(roleAssignment(json, role)).toMatchObject({
        principal_id: "${azurerm_user_assigned_identity.Deployer.principal_id}",
        principal_type: "ServicePrincipal",
      });
    }
    expect(resources(json, "azurerm_role_assignment")).toHaveLength(deployerRoles.length);
  });

  it("locks the state account against deletion", () => {
    expect(json).toHaveResourceWithProperties(ManagementLock, {
      scope: "${azurerm_storage_account.StateStorage.id}",
      lock_level: "CanNotDelete",
    });
  });

  it("keeps soft-deleted state for the configured number of days", () => {
    expect(synth({ softDeleteRetentionDays: 7 })).toHaveResourceWithProperties(StorageAccount, {
      blob_properties: {
        versioning_enabled: true,
        delete_retention_policy: { days: 7 },
        container_delete_retention_policy: { days: 7 },
      },
    });
  });

  it("trusts GitHub's OIDC tokens for main and for each environment, and nothing else", () => {
    expect(json).toHaveResourceWithProperties(UserAssignedIdentity, { name: "id-demo-github-deployer" });
    const credentials = resources(json, "azurerm_federated_identity_credential");
    expect(credentials.map((c) => c.subject).sort()).toEqual([
      "repo:contoso/mcp-platform:environment:dev",
      "repo:contoso/mcp-platform:environment:prod",
      "repo:contoso/mcp-platform:ref:refs/heads/main",
    ]);
    for (const credential of credentials) {
      expect(credential.issuer).toBe("https://token.actions.githubusercontent.com");
      expect(credential.audience).toEqual(["api://AzureADTokenExchange"]);
      expect(credential.parent_id).toBe("${azurerm_user_assigned_identity.Deployer.id}");
    }
  });

  it("lets the deployer create resources in the subscription", () => {
    const contributor = roleAssignment(json, "Contributor");
    expect(contributor.scope).toBe("${data.azurerm_subscription.Subscription.id}");
    expect(contributor.principal_id).toBe("${azurerm_user_assigned_identity.Deployer.principal_id}");
    expect(contributor.principal_type).toBe("ServicePrincipal");
    expect(contributor.condition).toBeUndefined();
  });

  it("narrows the deployer to a resource group when given one", () => {
    const scope = "/subscriptions/0000/resourceGroups/rg-mcp-dev";
    const narrowed = synth({ deployerScopeResourceId: scope });
    expect(roleAssignment(narrowed, "Contributor").scope).toBe(scope);
    expect(roleAssignment(narrowed, "Role Based Access Control Administrator").scope).toBe(scope);
  });

  it("lets the deployer assign and remove only AcrPull and Log Analytics Reader (ABAC condition 2.0)", () => {
    const rbac = roleAssignment(json, "Role Based Access Control Administrator");
    expect(rbac.condition_version).toBe("2.0");
    const condition = String(rbac.condition);
    const roles = `{${ACR_PULL}, ${LOG_ANALYTICS_READER}}`;
    expect(condition).toContain(
      `(\n  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})\n )\n OR\n (\n  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${roles}\n )`,
    );
    expect(condition).toContain(
      `(\n  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})\n )\n OR\n (\n  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${roles}\n )`,
    );
    const guids = condition.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
    expect(new Set(guids)).toEqual(new Set([ACR_PULL, LOG_ANALYTICS_READER]));
  });

  it("assigns a custom list of allowed roles when given one", () => {
    const custom = "4633458b-17de-408a-b874-0445c86b69e6";
    const condition = String(
      roleAssignment(
        synth({ assignableRoleDefinitionIds: [custom] }),
        "Role Based Access Control Administrator",
      ).condition,
    );
    expect(condition).toContain(`GuidEquals {${custom}}`);
    expect(condition).not.toContain(ACR_PULL);
  });

  it("lets the deployer read and write state in the state container only, scoped through the container resource", () => {
    const state = roleAssignment(json, "Storage Blob Data Contributor");
    // A reference to the container (not a string built from the account id) orders the assignment after it.
    expect(state.scope).toBe("${azurerm_storage_container.StateContainer.resource_manager_id}");
  });

  it("refuses account keys on the state account, and the provider uses Entra ID for its data plane", () => {
    expect(json).toHaveResourceWithProperties(StorageAccount, {
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
    });
    const providers = (JSON.parse(json) as { provider: { azurerm: Record<string, unknown>[] } }).provider;
    expect(providers.azurerm).toHaveLength(1);
    expect(providers.azurerm[0]).toMatchObject({ storage_use_azuread: true });
  });

  it("grants no Microsoft Graph permission unless asked", () => {
    expect(resources(json, "azuread_app_role_assignment")).toEqual([]);
    const granted = synth({ applicationReadWriteOwnedByEnabled: true });
    expect(granted).toHaveResourceWithProperties(AppRoleAssignment, {
      app_role_id:
        '${data.azuread_service_principal.MicrosoftGraph.app_role_ids["Application.ReadWrite.OwnedBy"]}',
      principal_object_id: "${azurerm_user_assigned_identity.Deployer.principal_id}",
      resource_object_id: "${data.azuread_service_principal.MicrosoftGraph.object_id}",
    });
    expect(granted).toHaveResourceWithProperties(AppRoleAssignment, {
      app_role_id: '${data.azuread_service_principal.MicrosoftGraph.app_role_ids["Application.Read.All"]}',
    });
    expect(resources(granted, "azuread_app_role_assignment")).toHaveLength(2);
    expect(JSON.stringify((JSON.parse(granted) as TerraformJson).data?.azuread_service_principal)).toContain(
      "00000003-0000-0000-c000-000000000000",
    );
  });

  it("outputs exactly the repository variables and the backend settings", () => {
    const outputs = (JSON.parse(json) as TerraformJson).output;
    expect(Object.keys(outputs).sort()).toEqual([
      "AZURE_CLIENT_ID",
      "AZURE_SUBSCRIPTION_ID",
      "AZURE_TENANT_ID",
      "MCP_DEPLOYER_PRINCIPAL_ID",
      "TFSTATE_CONTAINER",
      "TFSTATE_RESOURCE_GROUP",
      "TFSTATE_STORAGE_ACCOUNT",
      "backend_settings",
    ]);
    expect(outputs.MCP_DEPLOYER_PRINCIPAL_ID.value).toBe(
      "${azurerm_user_assigned_identity.Deployer.principal_id}",
    );
    expect(outputs.AZURE_CLIENT_ID.value).toBe("${azurerm_user_assigned_identity.Deployer.client_id}");
    expect(outputs.TFSTATE_CONTAINER.value).toBe("${azurerm_storage_container.StateContainer.name}");
    expect(outputs.backend_settings.value).toMatchObject({ use_azuread_auth: true });
  });

  it("matches the snapshot", () => {
    expect(json).toMatchSnapshot();
  });

  it("fails when the repository is not owner/repo", () => {
    expect(() => synth({ githubRepository: "mcp-platform" })).toThrow(
      "McpBootstrapStack 'mcp-bootstrap': githubRepository must be 'owner/repo' (got 'mcp-platform')",
    );
    expect(() => synth({ githubRepository: "contoso/mcp/extra" })).toThrow(/githubRepository/);
  });

  it("fails when an environment name could not appear in a token subject", () => {
    expect(() => synth({ githubEnvironments: ["prod:eu"] })).toThrow(/githubEnvironments .*got 'prod:eu'/);
    expect(() => synth({ githubEnvironments: [] })).toThrow(/githubEnvironments must name at least one/);
  });

  it("fails when the storage account name is not valid for Azure", () => {
    expect(() => synth({ storageAccountName: "St-State" })).toThrow(
      /storageAccountName must be 3-24 lowercase .*'St-State'/,
    );
  });

  it("fails when the retention is out of range or a role id is not a GUID", () => {
    expect(() => synth({ softDeleteRetentionDays: 0 })).toThrow(/softDeleteRetentionDays .*got 0/);
    expect(() => synth({ assignableRoleDefinitionIds: ["AcrPull"] })).toThrow(
      /role definition GUIDs \(got 'AcrPull'\)/,
    );
  });
});

describe("bootstrapConfig", () => {
  it("uses GITHUB_REPOSITORY and the hosting environments", () => {
    const config = bootstrapConfig({ GITHUB_REPOSITORY: "contoso/mcp-platform" });
    expect(config.githubRepository).toBe("contoso/mcp-platform");
    expect(config.githubEnvironments).toEqual(["dev", "prod"]);
    expect(config.applicationReadWriteOwnedByEnabled).toBe(false);
  });

  it("falls back to a placeholder that synthesizes, and names a valid storage account per repository", () => {
    const placeholder = bootstrapConfig({});
    expect(placeholder.githubRepository).toBe(PLACEHOLDER_GITHUB_REPOSITORY);
    expect(() =>
      Testing.synth(new McpBootstrapStack(Testing.app() as App, "mcp-bootstrap", placeholder)),
    ).not.toThrow();
    const other = bootstrapConfig({ GITHUB_REPOSITORY: "fabrikam/mcp" });
    expect(other.storageAccountName).toMatch(/^[a-z0-9]{3,24}$/);
    expect(other.storageAccountName).not.toBe(placeholder.storageAccountName);
  });

  it("grants the Graph permission only when MCP_BOOTSTRAP_GRANT_GRAPH=true", () => {
    expect(bootstrapConfig({ MCP_BOOTSTRAP_GRANT_GRAPH: "true" }).applicationReadWriteOwnedByEnabled).toBe(
      true,
    );
    expect(bootstrapConfig({ MCP_BOOTSTRAP_GRANT_GRAPH: "yes" }).applicationReadWriteOwnedByEnabled).toBe(
      false,
    );
  });
});
