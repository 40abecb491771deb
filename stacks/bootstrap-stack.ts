import { Annotations, TerraformOutput, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { DataAzurermSubscription } from "@cdktf/provider-azurerm/lib/data-azurerm-subscription";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { DataAzureadServicePrincipal } from "@cdktf/provider-azuread/lib/data-azuread-service-principal";
import { ValidationError } from "../constructs/validation-error";

/** Built-in Azure role definition ids (the same in every tenant). */
export const BuiltInRoles = {
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  logAnalyticsReader: "73c42c96-874c-492b-b04d-ab87d138a893",
} as const;

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "api://AzureADTokenExchange";
const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Synthesizes (so `npm run synth` needs no configuration) but warns: nothing could deploy from it. */
export const PLACEHOLDER_GITHUB_REPOSITORY = "your-org/your-repo";

export interface McpBootstrapStackProps {
  /** The GitHub repository allowed to deploy, `owner/repo`. */
  readonly githubRepository: string;
  /** GitHub environments whose deployment jobs may sign in, e.g. `["dev", "prod"]`. */
  readonly githubEnvironments: readonly string[];
  /** Azure region of the state storage and the deployer identity. */
  readonly location: string;
  /** Prefix for resource names. */
  readonly prefix: string;
  /** Globally unique storage account name: 3-24 lowercase letters and digits. */
  readonly storageAccountName: string;
  /** @default `rg-<prefix>-tfstate` */
  readonly resourceGroupName?: string;
  /** @default "tfstate" */
  readonly stateContainerName?: string;
  /** @default "ZRS" */
  readonly storageReplicationType?: string;
  /** Days deleted blobs, overwritten versions' blobs and deleted containers stay recoverable. @default 30 */
  readonly softDeleteRetentionDays?: number;
  /**
   * Where the deployer may create resources (Contributor) and assign the allowed roles.
   * @default - the current subscription: the hosting stacks create their own resource groups
   */
  readonly deployerScopeResourceId?: string;
  /**
   * The only roles the deployer may assign or remove (by role definition GUID).
   * @default - AcrPull and Log Analytics Reader, the two roles the hosting stack assigns
   */
  readonly assignableRoleDefinitionIds?: readonly string[];
  /**
   * Grant the deployer the Microsoft Graph application permissions Application.ReadWrite.OwnedBy (create app
   * registrations and manage the ones it owns) and Application.Read.All (read service principals and their
   * app role assignments on refresh). Needs a Privileged Role Administrator running the bootstrap.
   * @default false
   */
  readonly applicationReadWriteOwnedByEnabled?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Run once from a laptop: Terraform state storage for the hosting stacks and the identity GitHub Actions
 * deploys with (a user-assigned managed identity with federated credentials: no secret can exist).
 */
export class McpBootstrapStack extends TerraformStack {
  public readonly resourceGroup: ResourceGroup;
  public readonly storageAccount: StorageAccount;
  public readonly stateContainer: StorageContainer;
  public readonly deployer: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: McpBootstrapStackProps) {
    super(scope, id);
    this.validate(props);
    const tags = { ...props.tags };
    const retentionDays = props.softDeleteRetentionDays ?? 30;
    const containerName = props.stateContainerName ?? "tfstate";

    // The state account accepts Entra ID only (sharedAccessKeyEnabled: false), so the provider must not fall
    // back to account keys for its data-plane calls on it.
    new AzurermProvider(this, "azurerm", { features: [{}], storageUseAzuread: true });
    const subscription = new DataAzurermSubscription(this, "Subscription", {});
    const deployerScope = props.deployerScopeResourceId ?? subscription.id;

    this.resourceGroup = new ResourceGroup(this, "ResourceGroup", {
      name: props.resourceGroupName ?? `rg-${props.prefix}-tfstate`,
      location: props.location,
      tags,
    });

    this.storageAccount = new StorageAccount(this, "StateStorage", {
      name: props.storageAccountName,
      resourceGroupName: this.resourceGroup.name,
      location: props.location,
      accountKind: "StorageV2",
      accountTier: "Standard",
      accountReplicationType: props.storageReplicationType ?? "ZRS",
      minTlsVersion: "TLS1_2",
      httpsTrafficOnlyEnabled: true,
      allowNestedItemsToBePublic: false,
      crossTenantReplicationEnabled: false,
      // Every reader (backend, pipeline, portal) uses Entra ID; a leaked account key cannot open the state.
      sharedAccessKeyEnabled: false,
      defaultToOauthAuthentication: true,
      blobProperties: {
        versioningEnabled: true,
        deleteRetentionPolicy: { days: retentionDays },
        containerDeleteRetentionPolicy: { days: retentionDays },
      },
      tags,
    });

    // The deployer is Contributor on the subscription; only an Owner or User Access Administrator can lift
    // this lock, so a pipeline mistake cannot delete every environment's state.
    new ManagementLock(this, "StateStorageLock", {
      name: "protect-terraform-state",
      scope: this.storageAccount.id,
      lockLevel: "CanNotDelete",
      notes: "Terraform state of the MCP hosting stacks",
    });

    this.stateContainer = new StorageContainer(this, "StateContainer", {
      name: containerName,
      storageAccountId: this.storageAccount.id,
      containerAccessType: "private",
    });

    this.deployer = new UserAssignedIdentity(this, "Deployer", {
      name: `id-${props.prefix}-github-deployer`,
      resourceGroupName: this.resourceGroup.name,
      location: props.location,
      tags,
    });

    const subjects: Record<string, string> = {
      "github-main": `repo:${props.githubRepository}:ref:refs/heads/main`,
    };
    for (const environment of props.githubEnvironments) {
      subjects[`github-environment-${environment}`] =
        `repo:${props.githubRepository}:environment:${environment}`;
    }
    for (const [name, subject] of Object.entries(subjects)) {
      new FederatedIdentityCredential(this, `FederatedCredential-${name}`, {
        name,
        resourceGroupName: this.resourceGroup.name,
        parentId: this.deployer.id,
        issuer: GITHUB_OIDC_ISSUER,
        audience: [GITHUB_OIDC_AUDIENCE],
        subject,
      });
    }

    const principal = { principalId: this.deployer.principalId, principalType: "ServicePrincipal" };
    new RoleAssignment(this, "DeployerContributor", {
      ...principal,
      scope: deployerScope,
      roleDefinitionName: "Contributor",
      description: "GitHub Actions deployer: creates the MCP hosting resources",
    });
    new RoleAssignment(this, "DeployerRoleAssignments", {
      ...principal,
      scope: deployerScope,
      roleDefinitionName: "Role Based Access Control Administrator",
      description: "GitHub Actions deployer: may assign and remove only the roles named in the condition",
      condition: constrainRolesCondition(
        props.assignableRoleDefinitionIds ?? [BuiltInRoles.acrPull, BuiltInRoles.logAnalyticsReader],
      ),
      conditionVersion: "2.0",
    });
    new RoleAssignment(this, "DeployerStateAccess", {
      ...principal,
      // Through the container resource, not a string built from the account id: the assignment then waits
      // for the container (ARM answers ResourceNotFound when the assignment wins the race).
      scope: this.stateContainer.resourceManagerId,
      roleDefinitionName: "Storage Blob Data Contributor",
      description: "GitHub Actions deployer: reads and writes Terraform state (Entra auth, no account keys)",
    });

    if (props.applicationReadWriteOwnedByEnabled) {
      new AzureadProvider(this, "azuread", {});
      const graph = new DataAzureadServicePrincipal(this, "MicrosoftGraph", {
        clientId: MICROSOFT_GRAPH_APP_ID,
      });
      const permissions = {
        DeployerGraphApplicationOwnedBy: "Application.ReadWrite.OwnedBy",
        DeployerGraphApplicationRead: "Application.Read.All",
      };
      for (const [constructId, permission] of Object.entries(permissions)) {
        new AppRoleAssignment(this, constructId, {
          appRoleId: graph.appRoleIds.lookup(permission),
          principalObjectId: this.deployer.principalId,
          resourceObjectId: graph.objectId,
        });
      }
    }

    const variables: Record<string, string> = {
      AZURE_CLIENT_ID: this.deployer.clientId,
      AZURE_TENANT_ID: this.deployer.tenantId,
      AZURE_SUBSCRIPTION_ID: subscription.subscriptionId,
      TFSTATE_RESOURCE_GROUP: this.resourceGroup.name,
      TFSTATE_STORAGE_ACCOUNT: this.storageAccount.name,
      TFSTATE_CONTAINER: this.stateContainer.name,
      // The hosting stacks make this principal an owner of their app registrations and grant it Mcp.Invoke
      // (for the smoke test); the laptop and the pipeline must pass the same value.
      MCP_DEPLOYER_PRINCIPAL_ID: this.deployer.principalId,
    };
    for (const [name, value] of Object.entries(variables)) {
      new TerraformOutput(this, name, { value, description: `GitHub repository variable ${name}` });
    }
    new TerraformOutput(this, "backend_settings", {
      description: "azurerm backend settings for the hosting stacks (key: <stack>.tfstate)",
      value: {
        resource_group_name: this.resourceGroup.name,
        storage_account_name: this.storageAccount.name,
        container_name: this.stateContainer.name,
        use_azuread_auth: true,
      },
    });
  }

  private validate(props: McpBootstrapStackProps): void {
    const fail = (message: string) => {
      throw new ValidationError(this, "McpBootstrapStack", message);
    };
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/.test(props.githubRepository)) {
      fail(`githubRepository must be 'owner/repo' (got '${props.githubRepository}')`);
    }
    if (props.githubRepository === PLACEHOLDER_GITHUB_REPOSITORY) {
      Annotations.of(this).addWarning(
        `githubRepository is the placeholder '${PLACEHOLDER_GITHUB_REPOSITORY}': export GITHUB_REPOSITORY=<owner>/<repo> before deploying mcp-bootstrap`,
      );
    }
    if (props.githubEnvironments.length === 0)
      fail("githubEnvironments must name at least one environment (got [])");
    for (const environment of props.githubEnvironments) {
      if (!/^[A-Za-z0-9._-]{1,255}$/.test(environment)) {
        fail(`githubEnvironments entries must be letters, digits, '.', '_' or '-' (got '${environment}')`);
      }
    }
    if (!Token.isUnresolved(props.storageAccountName) && !/^[a-z0-9]{3,24}$/.test(props.storageAccountName)) {
      fail(
        `storageAccountName must be 3-24 lowercase letters and digits (got '${props.storageAccountName}')`,
      );
    }
    const days = props.softDeleteRetentionDays;
    if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 365)) {
      fail(`softDeleteRetentionDays must be an integer from 1 to 365 (got ${days})`);
    }
    for (const roleId of props.assignableRoleDefinitionIds ?? []) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(roleId)) {
        fail(`assignableRoleDefinitionIds must be role definition GUIDs (got '${roleId}')`);
      }
    }
    if (props.assignableRoleDefinitionIds?.length === 0) {
      fail("assignableRoleDefinitionIds must name at least one role (got []); omit it for the default");
    }
  }
}

/**
 * An Azure ABAC condition (version 2.0) for a role that can write role assignments: creating or deleting a
 * role assignment is allowed only for the given role definitions. Shape from Microsoft's "Constrain roles"
 * example for delegating role assignment management.
 */
export function constrainRolesCondition(roleDefinitionIds: readonly string[]): string {
  const roles = roleDefinitionIds.join(", ");
  return [
    "(",
    " (",
    "  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})",
    " )",
    " OR",
    " (",
    `  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles}}`,
    " )",
    ")",
    "AND",
    "(",
    " (",
    "  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})",
    " )",
    " OR",
    " (",
    `  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles}}`,
    " )",
    ")",
  ].join("\n");
}
