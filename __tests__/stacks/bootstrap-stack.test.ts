import { App, Testing } from "cdktf";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { bootstrapConfig, PLACEHOLDER_GITHUB_REPOSITORY } from "../../stacks/bootstrap-config";
import { McpBootstrapStack, McpBootstrapStackProps } from "../../stacks/bootstrap-stack";

const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const LOG_ANALYTICS_READER = "73c42c96-874c-492b-b04d-ab87d138a893";

const props: McpBootstrapStackProps = {
  githubRepository: "contoso/mcp-platform",
  environments: [
    { name: "dev", stackName: "mcp-dev", resourceGroupName: "rg-demo-dev", location: "northeurope" },
    {
      name: "prod",
      stackName: "mcp-prod",
      resourceGroupName: "rg-demo-prod",
      location: "westeurope",
      promotesFrom: "dev",
    },
  ],
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

type Json = Record<string, unknown>;
interface TerraformJson {
  resource: Record<string, Record<string, Json>>;
  data?: Record<string, Record<string, Json>>;
  variable?: Record<string, { default: string; validation: Json[] }>;
  output: Record<string, { value: unknown }>;
}

const parsed = (json: string) => JSON.parse(json) as TerraformJson;
const resources = (json: string, type: string): Record<string, Json> => parsed(json).resource[type] ?? {};

/** The role assignment with this construct id (`Deployer-prod-Contributor`, ...). */
function assignment(json: string, id: string): Json {
  const all = resources(json, "azurerm_role_assignment");
  if (!all[id]) throw new Error(`no role assignment ${id} in [${Object.keys(all).join(", ")}]`);
  return all[id];
}

const identity = (name: string, attribute = "principal_id") =>
  `\${azurerm_user_assigned_identity.${name}.${attribute}}`;

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
    for (const name of ["tfstate", "tfplan"]) {
      expect(json).toHaveResourceWithProperties(StorageContainer, { name, container_access_type: "private" });
    }
  });

  it("makes the pipeline reach state with its Entra identity, never with account keys, and keeps state in this tenant", () => {
    expect(json).toHaveResourceWithProperties(StorageAccount, {
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      cross_tenant_replication_enabled: false,
    });
    const providers = (JSON.parse(json) as { provider: { azurerm: Json[] } }).provider;
    expect(providers.azurerm).toEqual([expect.objectContaining({ storage_use_azuread: true })]);
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

  it("creates each environment's resource group, where its stack deploys", () => {
    const groups = resources(json, "azurerm_resource_group");
    expect(groups["ResourceGroup-dev"]).toMatchObject({ name: "rg-demo-dev", location: "northeurope" });
    expect(groups["ResourceGroup-prod"]).toMatchObject({ name: "rg-demo-prod", location: "westeurope" });
  });

  it("gives each environment a deployer trusted only from its GitHub environment, and a plan identity trusted only from <env>-plan", () => {
    const identities = resources(json, "azurerm_user_assigned_identity");
    expect(Object.fromEntries(Object.entries(identities).map(([id, r]) => [id, r.name]))).toEqual({
      "Deployer-dev": "id-demo-dev-deployer",
      "Planner-dev": "id-demo-dev-plan",
      "Deployer-prod": "id-demo-prod-deployer",
      "Planner-prod": "id-demo-prod-plan",
    });
    const credentials = Object.values(resources(json, "azurerm_federated_identity_credential"));
    expect(Object.fromEntries(credentials.map((c) => [String(c.parent_id), c.subject]))).toEqual({
      [identity("Deployer-dev", "id")]: "repo:contoso/mcp-platform:environment:dev",
      [identity("Planner-dev", "id")]: "repo:contoso/mcp-platform:environment:dev-plan",
      [identity("Deployer-prod", "id")]: "repo:contoso/mcp-platform:environment:prod",
      [identity("Planner-prod", "id")]: "repo:contoso/mcp-platform:environment:prod-plan",
    });
    for (const credential of credentials) {
      expect(credential.issuer).toBe("https://token.actions.githubusercontent.com");
      expect(credential.audience).toEqual(["api://AzureADTokenExchange"]);
      // No branch subject: no deploy job needs one, and it would bypass environment protection.
      expect(credential.subject).not.toMatch(/:ref:/);
    }
  });

  it("grants nothing on the subscription: every role is on an environment's resource group or the state account's containers", () => {
    const scopes = new Set(Object.values(resources(json, "azurerm_role_assignment")).map((r) => r.scope));
    expect(scopes).toEqual(
      new Set([
        "${azurerm_resource_group.ResourceGroup-dev.id}",
        "${azurerm_resource_group.ResourceGroup-prod.id}",
        "${azurerm_storage_container.StateContainer.resource_manager_id}",
        "${azurerm_storage_container.PlanContainer.resource_manager_id}",
      ]),
    );
    for (const role of Object.values(resources(json, "azurerm_role_assignment"))) {
      expect(role.principal_type).toBe("ServicePrincipal");
    }
  });

  it("the deployer of one environment holds no role on the other's resource group, except pulling the images prod promotes", () => {
    const of = (principal: string) =>
      Object.values(resources(json, "azurerm_role_assignment"))
        .filter((r) => r.principal_id === identity(principal))
        .map((r) => [r.role_definition_name ?? "custom", r.scope])
        .sort();
    expect(of("Deployer-dev")).toEqual(
      [
        ["Contributor", "${azurerm_resource_group.ResourceGroup-dev.id}"],
        ["Role Based Access Control Administrator", "${azurerm_resource_group.ResourceGroup-dev.id}"],
        ["Storage Blob Data Contributor", "${azurerm_storage_container.StateContainer.resource_manager_id}"],
        ["Storage Blob Data Reader", "${azurerm_storage_container.PlanContainer.resource_manager_id}"],
      ].sort(),
    );
    expect(of("Deployer-prod")).toEqual(
      [
        ["Contributor", "${azurerm_resource_group.ResourceGroup-prod.id}"],
        ["Role Based Access Control Administrator", "${azurerm_resource_group.ResourceGroup-prod.id}"],
        ["Storage Blob Data Contributor", "${azurerm_storage_container.StateContainer.resource_manager_id}"],
        ["Storage Blob Data Reader", "${azurerm_storage_container.PlanContainer.resource_manager_id}"],
        ["AcrPull", "${azurerm_resource_group.ResourceGroup-dev.id}"],
      ].sort(),
    );
  });

  it("the plan identity can write nothing but its saved plans", () => {
    const planner = Object.values(resources(json, "azurerm_role_assignment"))
      .filter((r) => r.principal_id === identity("Planner-prod"))
      .map((r) => [r.role_definition_name ?? r.role_definition_id, r.scope])
      .sort();
    expect(planner).toEqual(
      [
        ["Reader", "${azurerm_resource_group.ResourceGroup-prod.id}"],
        [
          "${azurerm_role_definition.PlanReaderRole.role_definition_resource_id}",
          "${azurerm_resource_group.ResourceGroup-prod.id}",
        ],
        ["Storage Blob Data Reader", "${azurerm_storage_container.StateContainer.resource_manager_id}"],
        ["Storage Blob Data Contributor", "${azurerm_storage_container.PlanContainer.resource_manager_id}"],
      ].sort(),
    );
    const role = Object.values(resources(json, "azurerm_role_definition"))[0];
    expect(role.permissions).toEqual([
      {
        actions: [
          "Microsoft.App/containerApps/listSecrets/action",
          "Microsoft.OperationalInsights/workspaces/sharedKeys/action",
        ],
      },
    ]);
    expect(role.assignable_scopes).toEqual([
      "${azurerm_resource_group.ResourceGroup-dev.id}",
      "${azurerm_resource_group.ResourceGroup-prod.id}",
    ]);
  });

  it("lets a deployer assign and remove only AcrPull and Log Analytics Reader, only to service principals (ABAC 2.0)", () => {
    const rbac = assignment(json, "Deployer-prod-RoleAssignments");
    expect(rbac.condition_version).toBe("2.0");
    const condition = String(rbac.condition);
    const roles = `{${ACR_PULL}, ${LOG_ANALYTICS_READER}}`;
    for (const [action, source] of [
      ["write", "@Request"],
      ["delete", "@Resource"],
    ]) {
      expect(condition).toContain(
        `(\n  !(ActionMatches{'Microsoft.Authorization/roleAssignments/${action}'})\n )\n OR\n (\n` +
          `  ${source}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals ${roles}\n` +
          "  AND\n" +
          `  ${source}[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}\n )`,
      );
    }
    const guids = condition.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
    expect(new Set(guids)).toEqual(new Set([ACR_PULL, LOG_ANALYTICS_READER]));
  });

  it("assigns a custom list of allowed roles when given one", () => {
    const custom = "4633458b-17de-408a-b874-0445c86b69e6";
    const condition = String(
      assignment(synth({ assignableRoleDefinitionIds: [custom] }), "Deployer-dev-RoleAssignments").condition,
    );
    expect(condition).toContain(`GuidEquals {${custom}}`);
    expect(condition).not.toContain(ACR_PULL);
  });

  it("lets each identity touch only its own environment's state blob and saved plans", () => {
    const pathOf = (id: string) =>
      /blobs:path\] StringLike '([^']+)'/.exec(String(assignment(json, id).condition))?.[1];
    expect(pathOf("Deployer-dev-State")).toBe("mcp-dev.tfstate");
    expect(pathOf("Deployer-prod-State")).toBe("mcp-prod.tfstate");
    expect(pathOf("Planner-prod-State")).toBe("mcp-prod.tfstate");
    expect(pathOf("Deployer-prod-Plans")).toBe("mcp-prod/*");
    expect(pathOf("Planner-prod-Plans")).toBe("mcp-prod/*");
    // Writes are conditioned too; listing (no path) stays allowed for the backend's init.
    const write = String(assignment(json, "Deployer-prod-State").condition);
    expect(write).toContain(
      "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})",
    );
    expect(write).toContain(
      "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'})",
    );
    expect(write).toContain(
      "!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'})",
    );
    const read = String(assignment(json, "Planner-prod-State").condition);
    expect(read).not.toContain("blobs/write");
    expect(assignment(json, "Planner-prod-State").role_definition_name).toBe("Storage Blob Data Reader");
  });

  it("grants no Microsoft Graph permission unless asked; then OwnedBy to deployers and read to everyone", () => {
    expect(resources(json, "azuread_app_role_assignment")).toEqual({});
    const granted = synth({ applicationReadWriteOwnedByEnabled: true });
    expect(granted).toHaveResourceWithProperties(AppRoleAssignment, {
      app_role_id:
        '${data.azuread_service_principal.MicrosoftGraph.app_role_ids["Application.ReadWrite.OwnedBy"]}',
      principal_object_id: identity("Deployer-prod"),
      resource_object_id: "${data.azuread_service_principal.MicrosoftGraph.object_id}",
    });
    const grants = Object.values(resources(granted, "azuread_app_role_assignment")).map((g) => [
      g.principal_object_id,
      /\["(.*)"\]/.exec(String(g.app_role_id))?.[1],
    ]);
    expect(grants).toHaveLength(6);
    expect(grants).not.toContainEqual([identity("Planner-prod"), "Application.ReadWrite.OwnedBy"]);
    expect(grants).toContainEqual([identity("Planner-prod"), "Application.Read.All"]);
  });

  it("outputs the repository variables, each GitHub environment's variables, and the backend settings", () => {
    const outputs = parsed(json).output;
    expect(Object.keys(outputs).sort()).toEqual([
      "backend_settings",
      "github_environment_variables",
      "github_repository_variables",
    ]);
    expect(Object.keys(outputs.github_repository_variables.value as Json).sort()).toEqual([
      "AZURE_SUBSCRIPTION_ID",
      "AZURE_TENANT_ID",
      "TFPLAN_CONTAINER",
      "TFSTATE_CONTAINER",
      "TFSTATE_RESOURCE_GROUP",
      "TFSTATE_STORAGE_ACCOUNT",
    ]);
    const perEnvironment = outputs.github_environment_variables.value as Record<string, Json>;
    expect(perEnvironment.prod).toEqual({
      AZURE_CLIENT_ID: identity("Deployer-prod", "client_id"),
      MCP_DEPLOYER_PRINCIPAL_ID: identity("Deployer-prod"),
      AZURE_RESOURCE_GROUP: "${azurerm_resource_group.ResourceGroup-prod.name}",
    });
    // Plan jobs sign in as the plan identity but synthesize with the deployer's principal.
    expect(perEnvironment["prod-plan"]).toEqual({
      AZURE_CLIENT_ID: identity("Planner-prod", "client_id"),
      MCP_DEPLOYER_PRINCIPAL_ID: identity("Deployer-prod"),
      AZURE_RESOURCE_GROUP: "${azurerm_resource_group.ResourceGroup-prod.name}",
    });
    expect(Object.keys(perEnvironment).sort()).toEqual(["dev", "dev-plan", "prod", "prod-plan"]);
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

  it("fails when an environment name could not appear in a token subject, or is missing or repeated", () => {
    const env = props.environments[0];
    expect(() => synth({ environments: [{ ...env, name: "prod:eu" }] })).toThrow(
      /environments\[\]\.name must be .*got 'prod:eu'/,
    );
    expect(() => synth({ environments: [] })).toThrow(/environments must name at least one/);
    expect(() => synth({ environments: [env, env] })).toThrow(/names must be unique \(got dev, dev\)/);
  });

  it("fails when an environment promotes from one that does not exist", () => {
    expect(() => synth({ environments: [{ ...props.environments[0], promotesFrom: "staging" }] })).toThrow(
      "McpBootstrapStack 'mcp-bootstrap': environments 'dev': promotesFrom must name another environment (got 'staging', have dev)",
    );
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
  it("uses GITHUB_REPOSITORY and the hosting environments, their resource groups and stacks", () => {
    const config = bootstrapConfig({ GITHUB_REPOSITORY: "contoso/mcp-platform" });
    expect(config.githubRepository).toBe("contoso/mcp-platform");
    expect(config.environments).toEqual([
      {
        name: "dev",
        stackName: "mcp-dev",
        resourceGroupName: "rg-mcp-dev",
        location: "swedencentral",
        promotesFrom: undefined,
      },
      {
        name: "prod",
        stackName: "mcp-prod",
        resourceGroupName: "rg-mcp-prod",
        location: "westeurope",
        promotesFrom: "dev",
      },
    ]);
    expect(config.applicationReadWriteOwnedByEnabled).toBe(false);
  });

  it("falls back to a placeholder that synthesizes but that Terraform refuses to plan", () => {
    const placeholder = bootstrapConfig({});
    expect(placeholder.githubRepository).toBe(PLACEHOLDER_GITHUB_REPOSITORY);
    const refused = parsed(
      Testing.synth(new McpBootstrapStack(Testing.app() as App, "mcp-bootstrap", placeholder)),
    ).variable?.refused_placeholder_repository;
    expect(refused?.default).toBe("refused");
    expect(refused?.validation).toEqual([
      {
        condition: '${var.refused_placeholder_repository != "refused"}',
        error_message: expect.stringContaining(
          "export GITHUB_REPOSITORY=<owner>/<repo> before deploying mcp-bootstrap",
        ),
      },
    ]);
    // A real repository plans normally.
    expect(parsed(synth()).variable).toBeUndefined();
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
