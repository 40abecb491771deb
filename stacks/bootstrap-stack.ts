import { TerraformOutput, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { DataAzurermSubscription } from "@cdktf/provider-azurerm/lib/data-azurerm-subscription";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { DataAzureadServicePrincipal } from "@cdktf/provider-azuread/lib/data-azuread-service-principal";
import { ValidationError } from "../constructs/validation-error";
import { checkIntegerInRange } from "../constructs/private/checks";
import { refuseToPlan } from "./refuse-to-plan";
import { blobPathCondition, constrainRoleAssignmentsCondition } from "./role-conditions";

export { constrainRoleAssignmentsCondition };

/** Built-in Azure role definition ids (the same in every tenant). */
export const BuiltInRoles = {
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  logAnalyticsReader: "73c42c96-874c-492b-b04d-ab87d138a893",
} as const;

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "api://AzureADTokenExchange";
const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * What `npm run synth` uses without `GITHUB_REPOSITORY`. The stack still synthesizes (synth needs no
 * configuration), but Terraform refuses to plan it: federated credentials for it would trust nobody's
 * workflows, and the state account name derived from it would change on the next real run.
 */
export const PLACEHOLDER_GITHUB_REPOSITORY = "your-org/your-repo";

/** The GitHub environment the read-only plan identity of environment `name` trusts. */
export const planEnvironmentName = (name: string): string => `${name}-plan`;

/**
 * Actions Terraform's refresh calls that Reader lacks: azurerm reads a container app's secrets and a
 * workspace's shared keys with them. The state the plan identity reads already holds these values.
 */
export const PLAN_READER_ACTIONS: readonly string[] = [
  "Microsoft.App/containerApps/listSecrets/action",
  "Microsoft.OperationalInsights/workspaces/sharedKeys/action",
];

/** One deployable environment: its GitHub environments, resource group and state blob. */
export interface BootstrapEnvironment {
  /** GitHub environment of the deployer, e.g. `prod`; the plan identity's is `<name>-plan`. */
  readonly name: string;
  /** Stack name: the state blob is `<stackName>.tfstate`, saved plans go under `<stackName>/`. */
  readonly stackName: string;
  /** The resource group the environment's stack deploys into; created here, the deployer's only scope. */
  readonly resourceGroupName: string;
  readonly location: string;
  /**
   * The environment whose registry this one copies tested images from (prod: `dev`): the deployer gets
   * AcrPull on that environment's resource group.
   * @default - builds its own images
   */
  readonly promotesFrom?: string;
}

export interface McpBootstrapStackProps {
  /** The GitHub repository allowed to deploy, `owner/repo`. */
  readonly githubRepository: string;
  /** One deployer and one plan identity per environment. */
  readonly environments: readonly BootstrapEnvironment[];
  /** Azure region of the state storage and the identities. */
  readonly location: string;
  /** Prefix for resource names. */
  readonly prefix: string;
  /** Globally unique storage account name: 3-24 lowercase letters and digits. */
  readonly storageAccountName: string;
  /** @default `rg-<prefix>-tfstate` */
  readonly resourceGroupName?: string;
  /** @default "tfstate" */
  readonly stateContainerName?: string;
  /** Container of the saved plans the deploy workflow applies. @default "tfplan" */
  readonly planContainerName?: string;
  /** @default "ZRS" */
  readonly storageReplicationType?: string;
  /** Days deleted blobs, overwritten versions' blobs and deleted containers stay recoverable. @default 30 */
  readonly softDeleteRetentionDays?: number;
  /**
   * The only roles a deployer may assign or remove (by role definition GUID), and only to service principals,
   * only in its environment's resource group.
   * @default - AcrPull and Log Analytics Reader, the two roles the hosting stack assigns
   */
  readonly assignableRoleDefinitionIds?: readonly string[];
  /**
   * Grant each deployer the Microsoft Graph application permissions Application.ReadWrite.OwnedBy (create app
   * registrations and manage the ones it owns) and Application.Read.All, and each plan identity
   * Application.Read.All (refresh reads the registrations). Needs a Privileged Role Administrator.
   * @default false
   */
  readonly applicationReadWriteOwnedByEnabled?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The identities of one environment. */
export interface EnvironmentIdentities {
  /** Applies the reviewed plan; trusted only from the GitHub environment `<name>`. */
  readonly deployer: UserAssignedIdentity;
  /** Plans; read-only; trusted only from the GitHub environment `<name>-plan`. */
  readonly planner: UserAssignedIdentity;
  readonly resourceGroup: ResourceGroup;
}

/**
 * Run once from a laptop: Terraform state storage for the hosting stacks, each environment's resource group,
 * and per environment two identities GitHub Actions signs in as (user-assigned managed identities with
 * federated credentials: no secret can exist) — a deployer that can change only that environment's resource
 * group and state blob, and a read-only plan identity.
 */
export class McpBootstrapStack extends TerraformStack {
  public readonly resourceGroup: ResourceGroup;
  public readonly storageAccount: StorageAccount;
  public readonly stateContainer: StorageContainer;
  public readonly planContainer: StorageContainer;
  /** Per environment name. */
  public readonly environments: Readonly<Record<string, EnvironmentIdentities>>;

  private readonly props: McpBootstrapStackProps;

  constructor(scope: Construct, id: string, props: McpBootstrapStackProps) {
    super(scope, id);
    this.validate(props);
    this.props = props;
    const tags = { ...props.tags };

    // The state account accepts Entra ID only (sharedAccessKeyEnabled: false), so the provider must not fall
    // back to account keys for its data-plane calls on it.
    new AzurermProvider(this, "azurerm", { features: [{}], storageUseAzuread: true });
    const subscription = new DataAzurermSubscription(this, "Subscription", {});
    if (props.githubRepository === PLACEHOLDER_GITHUB_REPOSITORY) {
      refuseToPlan(
        this,
        "refused_placeholder_repository",
        `githubRepository is the placeholder '${PLACEHOLDER_GITHUB_REPOSITORY}': export ` +
          "GITHUB_REPOSITORY=<owner>/<repo> before deploying mcp-bootstrap (federated credentials for the " +
          "placeholder trust no workflow, and the state account name would change).",
      );
    }

    this.resourceGroup = new ResourceGroup(this, "ResourceGroup", {
      name: props.resourceGroupName ?? `rg-${props.prefix}-tfstate`,
      location: props.location,
      tags,
    });
    this.storageAccount = this.createStateStorage(tags);
    this.stateContainer = new StorageContainer(this, "StateContainer", {
      name: props.stateContainerName ?? "tfstate",
      storageAccountId: this.storageAccount.id,
      containerAccessType: "private",
    });
    this.planContainer = new StorageContainer(this, "PlanContainer", {
      name: props.planContainerName ?? "tfplan",
      storageAccountId: this.storageAccount.id,
      containerAccessType: "private",
    });

    const resourceGroups = Object.fromEntries(
      props.environments.map((environment) => [
        environment.name,
        new ResourceGroup(this, `ResourceGroup-${environment.name}`, {
          name: environment.resourceGroupName,
          location: environment.location,
          tags: { ...tags, environment: environment.name },
        }),
      ]),
    );
    const planReader = new RoleDefinition(this, "PlanReaderRole", {
      name: `${props.prefix} Terraform plan reader`,
      scope: subscription.id,
      description: "What Terraform's refresh reads beyond Reader (container app secrets, workspace keys)",
      permissions: [{ actions: [...PLAN_READER_ACTIONS] }],
      assignableScopes: Object.values(resourceGroups).map((group) => group.id),
    });

    this.environments = Object.fromEntries(
      props.environments.map((environment) => [
        environment.name,
        this.addEnvironment(environment, resourceGroups, planReader, tags),
      ]),
    );
    if (props.applicationReadWriteOwnedByEnabled) this.grantGraph();
    this.addOutputs(subscription);
  }

  /** The state account (Entra ID only, versioned, soft delete) and the lock no deployer can lift. */
  private createStateStorage(tags: Record<string, string>): StorageAccount {
    const retentionDays = this.props.softDeleteRetentionDays ?? 30;
    const storageAccount = new StorageAccount(this, "StateStorage", {
      name: this.props.storageAccountName,
      resourceGroupName: this.resourceGroup.name,
      location: this.props.location,
      accountKind: "StorageV2",
      accountTier: "Standard",
      accountReplicationType: this.props.storageReplicationType ?? "ZRS",
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
    // No deployer has any role on this resource group; only an Owner or User Access Administrator can lift
    // this lock.
    new ManagementLock(this, "StateStorageLock", {
      name: "protect-terraform-state",
      scope: storageAccount.id,
      lockLevel: "CanNotDelete",
      notes: "Terraform state of the MCP hosting stacks",
    });
    return storageAccount;
  }

  private addEnvironment(
    environment: BootstrapEnvironment,
    resourceGroups: Record<string, ResourceGroup>,
    planReader: RoleDefinition,
    tags: Record<string, string>,
  ): EnvironmentIdentities {
    const name = environment.name;
    const resourceGroup = resourceGroups[name];
    const identityTags = { ...tags, environment: name };
    const deployer = this.githubIdentity(
      `Deployer-${name}`,
      `id-${this.props.prefix}-${name}-deployer`,
      name,
      identityTags,
    );
    const planner = this.githubIdentity(
      `Planner-${name}`,
      `id-${this.props.prefix}-${name}-plan`,
      planEnvironmentName(name),
      identityTags,
    );
    this.grantDeployer(environment, deployer, resourceGroups);
    this.grantPlanner(environment, planner, resourceGroup, planReader);
    return { deployer, planner, resourceGroup };
  }

  /** A user-assigned identity that only workflows running in `githubEnvironment` can sign in as. */
  private githubIdentity(
    constructId: string,
    identityName: string,
    githubEnvironment: string,
    tags: Record<string, string>,
  ): UserAssignedIdentity {
    const identity = new UserAssignedIdentity(this, constructId, {
      name: identityName,
      resourceGroupName: this.resourceGroup.name,
      location: this.props.location,
      tags,
    });
    new FederatedIdentityCredential(this, `${constructId}-github`, {
      name: `github-environment-${githubEnvironment}`,
      resourceGroupName: this.resourceGroup.name,
      parentId: identity.id,
      issuer: GITHUB_OIDC_ISSUER,
      audience: [GITHUB_OIDC_AUDIENCE],
      subject: `repo:${this.props.githubRepository}:environment:${githubEnvironment}`,
    });
    return identity;
  }

  /** Changes only its environment's resource group and writes only its state blob. */
  private grantDeployer(
    environment: BootstrapEnvironment,
    deployer: UserAssignedIdentity,
    resourceGroups: Record<string, ResourceGroup>,
  ): void {
    const name = environment.name;
    const resourceGroup = resourceGroups[name];
    const stateBlob = `${environment.stackName}.tfstate`;
    this.grantRole(
      `Deployer-${name}-Contributor`,
      deployer,
      { scope: resourceGroup.id, roleDefinitionName: "Contributor" },
      `GitHub environment ${name}: creates the hosting resources in this resource group only`,
    );
    this.grantRole(
      `Deployer-${name}-RoleAssignments`,
      deployer,
      {
        scope: resourceGroup.id,
        roleDefinitionName: "Role Based Access Control Administrator",
        condition: constrainRoleAssignmentsCondition(
          this.props.assignableRoleDefinitionIds ?? [BuiltInRoles.acrPull, BuiltInRoles.logAnalyticsReader],
          ["ServicePrincipal"],
        ),
      },
      `GitHub environment ${name}: assigns only the roles in the condition, only to service principals, only here`,
    );
    this.grantRole(
      `Deployer-${name}-State`,
      deployer,
      {
        // Through the container resource: the assignment then waits for the container.
        scope: this.stateContainer.resourceManagerId,
        roleDefinitionName: "Storage Blob Data Contributor",
        condition: blobPathCondition(stateBlob, "write"),
      },
      `GitHub environment ${name}: reads and writes ${stateBlob} only`,
    );
    this.grantRole(
      `Deployer-${name}-Plans`,
      deployer,
      {
        scope: this.planContainer.resourceManagerId,
        roleDefinitionName: "Storage Blob Data Reader",
        condition: blobPathCondition(`${environment.stackName}/*`, "read"),
      },
      `GitHub environment ${name}: reads the saved plans of ${environment.stackName}`,
    );
    if (environment.promotesFrom) {
      this.grantRole(
        `Deployer-${name}-PromotionSource`,
        deployer,
        { scope: resourceGroups[environment.promotesFrom].id, roleDefinitionName: "AcrPull" },
        `GitHub environment ${name}: copies the images ${environment.promotesFrom} tested (az acr import)`,
      );
    }
  }

  /** Reads its environment's resources and state blob; writes only its saved plans. */
  private grantPlanner(
    environment: BootstrapEnvironment,
    planner: UserAssignedIdentity,
    resourceGroup: ResourceGroup,
    planReader: RoleDefinition,
  ): void {
    const name = environment.name;
    const githubEnvironment = planEnvironmentName(name);
    const stateBlob = `${environment.stackName}.tfstate`;
    this.grantRole(
      `Planner-${name}-Reader`,
      planner,
      { scope: resourceGroup.id, roleDefinitionName: "Reader" },
      `GitHub environment ${githubEnvironment}: refreshes the resources to plan`,
    );
    this.grantRole(
      `Planner-${name}-PlanReader`,
      planner,
      { scope: resourceGroup.id, roleDefinitionId: planReader.roleDefinitionResourceId },
      `GitHub environment ${githubEnvironment}: the secrets refresh reads (already in the state)`,
    );
    this.grantRole(
      `Planner-${name}-State`,
      planner,
      {
        scope: this.stateContainer.resourceManagerId,
        roleDefinitionName: "Storage Blob Data Reader",
        condition: blobPathCondition(stateBlob, "read"),
      },
      `GitHub environment ${githubEnvironment}: reads ${stateBlob} (plans with -lock=false)`,
    );
    this.grantRole(
      `Planner-${name}-Plans`,
      planner,
      {
        scope: this.planContainer.resourceManagerId,
        roleDefinitionName: "Storage Blob Data Contributor",
        condition: blobPathCondition(`${environment.stackName}/*`, "write"),
      },
      `GitHub environment ${githubEnvironment}: uploads the saved plans of ${environment.stackName}`,
    );
  }

  private grantRole(
    constructId: string,
    principal: UserAssignedIdentity,
    role: { scope: string; roleDefinitionName?: string; roleDefinitionId?: string; condition?: string },
    description: string,
  ): RoleAssignment {
    return new RoleAssignment(this, constructId, {
      principalId: principal.principalId,
      principalType: "ServicePrincipal",
      ...role,
      conditionVersion: role.condition ? "2.0" : undefined,
      description,
    });
  }

  private grantGraph(): void {
    new AzureadProvider(this, "azuread", {});
    const graph = new DataAzureadServicePrincipal(this, "MicrosoftGraph", {
      clientId: MICROSOFT_GRAPH_APP_ID,
    });
    const assign = (constructId: string, principal: UserAssignedIdentity, permission: string) =>
      new AppRoleAssignment(this, constructId, {
        appRoleId: graph.appRoleIds.lookup(permission),
        principalObjectId: principal.principalId,
        resourceObjectId: graph.objectId,
      });
    for (const [name, { deployer, planner }] of Object.entries(this.environments)) {
      assign(`Deployer-${name}-GraphApplicationOwnedBy`, deployer, "Application.ReadWrite.OwnedBy");
      assign(`Deployer-${name}-GraphApplicationRead`, deployer, "Application.Read.All");
      assign(`Planner-${name}-GraphApplicationRead`, planner, "Application.Read.All");
    }
  }

  /** The GitHub variables, as `docs/deploy-github.md` sets them: repository-wide, then per GitHub environment. */
  private addOutputs(subscription: DataAzurermSubscription): void {
    const tenantId = Object.values(this.environments)[0].deployer.tenantId;
    new TerraformOutput(this, "github_repository_variables", {
      description: "GitHub repository variables (gh variable set NAME --body VALUE)",
      value: {
        AZURE_TENANT_ID: tenantId,
        AZURE_SUBSCRIPTION_ID: subscription.subscriptionId,
        TFSTATE_RESOURCE_GROUP: this.resourceGroup.name,
        TFSTATE_STORAGE_ACCOUNT: this.storageAccount.name,
        TFSTATE_CONTAINER: this.stateContainer.name,
        TFPLAN_CONTAINER: this.planContainer.name,
      },
    });
    const perEnvironment: Record<string, Record<string, string>> = {};
    for (const [name, { deployer, planner, resourceGroup }] of Object.entries(this.environments)) {
      // The hosting stack makes the deployer an owner of its app registrations and grants it Mcp.Invoke (for
      // the smoke test); synth in both GitHub environments, and a laptop apply, must pass the deployer's id.
      const shared = {
        MCP_DEPLOYER_PRINCIPAL_ID: deployer.principalId,
        AZURE_RESOURCE_GROUP: resourceGroup.name,
      };
      perEnvironment[name] = { AZURE_CLIENT_ID: deployer.clientId, ...shared };
      perEnvironment[planEnvironmentName(name)] = { AZURE_CLIENT_ID: planner.clientId, ...shared };
    }
    new TerraformOutput(this, "github_environment_variables", {
      description:
        "GitHub environment variables per environment (gh variable set NAME --env ENV --body VALUE)",
      value: perEnvironment,
    });
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
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/.test(props.githubRepository)) {
      throw new ValidationError(
        `githubRepository must be 'owner/repo' (got '${props.githubRepository}')`,
        this,
      );
    }
    if (props.environments.length === 0)
      throw new ValidationError("environments must name at least one environment (got [])", this);
    const names = props.environments.map((environment) => environment.name);
    for (const environment of props.environments) {
      if (!/^[A-Za-z0-9._-]{1,250}$/.test(environment.name)) {
        throw new ValidationError(
          `environments[].name must be letters, digits, '.', '_' or '-' (got '${environment.name}')`,
          this,
        );
      }
      if (environment.promotesFrom !== undefined && !names.includes(environment.promotesFrom)) {
        throw new ValidationError(
          `environments '${environment.name}': promotesFrom must name another environment (got '${environment.promotesFrom}', have ${names.join(", ")})`,
          this,
        );
      }
    }
    if (new Set(names).size !== names.length)
      throw new ValidationError(`environments names must be unique (got ${names.join(", ")})`, this);
    if (!Token.isUnresolved(props.storageAccountName) && !/^[a-z0-9]{3,24}$/.test(props.storageAccountName)) {
      throw new ValidationError(
        `storageAccountName must be 3-24 lowercase letters and digits (got '${props.storageAccountName}')`,
        this,
      );
    }
    checkIntegerInRange(this, "softDeleteRetentionDays", props.softDeleteRetentionDays, 1, 365);
    for (const roleId of props.assignableRoleDefinitionIds ?? []) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(roleId)) {
        throw new ValidationError(
          `assignableRoleDefinitionIds must be role definition GUIDs (got '${roleId}')`,
          this,
        );
      }
    }
    if (props.assignableRoleDefinitionIds?.length === 0) {
      throw new ValidationError(
        "assignableRoleDefinitionIds must name at least one role (got []); omit it for the default",
        this,
      );
    }
  }
}
