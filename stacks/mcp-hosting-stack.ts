import { Annotations, Aspects, AzurermBackend, Fn, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { DataAzurermResourceGroup } from "@cdktf/provider-azurerm/lib/data-azurerm-resource-group";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { AzapiProvider } from "../constructs/azapi/provider";
import { BundledServerImage } from "../constructs/bundled-server-image";
import { ContainerRegistry } from "../constructs/container-registry";
import { McpContainerApp } from "../constructs/mcp-container-app";
import { McpCustomDomain } from "../constructs/mcp-custom-domain";
import { McpEasyAuth } from "../constructs/mcp-easy-auth";
import { McpEntraApp } from "../constructs/mcp-entra-app";
import { McpEnvironment } from "../constructs/mcp-environment";
import { McpPolicyChecks } from "../constructs/mcp-policy-checks";
import { IServerImage, ServerImage } from "../constructs/server-image";
import { ValidationError } from "../constructs/validation-error";
import { EnvironmentConfig, resourceGroupNameOf } from "./environments";
import { addMonitoring, Monitoring } from "./monitoring";
import { refuseToPlan } from "./refuse-to-plan";
import { RemoteStateConfig } from "./remote-state";

export interface McpHostingStackProps {
  readonly environment: EnvironmentConfig;
  /** @default - local state in `terraform.<stack>.tfstate` */
  readonly remoteState?: RemoteStateConfig;
  /**
   * Build context of the bundled image.
   * @default - this repository's root
   */
  readonly imageContextDirectory?: string;
  /**
   * Object id of the CI identity that deploys this stack: it co-owns the Entra registrations with the
   * environment's `entraOwnerObjectIds` (so it can manage them with `Application.ReadWrite.OwnedBy`) and holds
   * `Mcp.Invoke` for the smoke test.
   * @default - owners are `entraOwnerObjectIds` alone; nobody is granted Mcp.Invoke
   */
  readonly deployerPrincipalId?: string;
  /**
   * The resource group exists already: mcp-bootstrap created it (the deployer's only scope). The stack reads
   * it, and forgets (without destroying) a group an earlier laptop deploy created in its state.
   * @default false - the stack creates `rg-<prefix>-<name>` (laptop deploys with local state)
   */
  readonly existingResourceGroup?: boolean;
}

/** Where the stack's resources go. */
interface Placement {
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tags: Record<string, string>;
}

/** The profile of a workload-profiles environment (virtual network): Consumption, still billed per use. */
const WORKLOAD_PROFILE = "Consumption";

/** The repository the deploy workflow builds and copies the server image into. */
export const PIPELINE_IMAGE_REPOSITORY = "mcp-server";

/** Hosts the MCP server on Azure Container Apps for one environment. */
export class McpHostingStack extends TerraformStack {
  public readonly resourceGroup: ResourceGroup | DataAzurermResourceGroup;
  public readonly environment: McpEnvironment;
  public readonly registry: ContainerRegistry;
  public readonly image: IServerImage;
  public readonly app: McpContainerApp;
  /** The server API registration; only in `entra` mode. */
  public readonly entraApp?: McpEntraApp;
  /** Container Apps built-in auth in front of the server; only in `entra` mode. */
  public readonly easyAuth?: McpEasyAuth;
  /** Workbook, alerts and availability test (docs/operations.md). */
  public readonly monitoring: Monitoring;
  /** The custom hostname with its managed certificate; only with `customDomainHostName`. */
  public readonly customDomain?: McpCustomDomain;

  constructor(scope: Construct, id: string, props: McpHostingStackProps) {
    super(scope, id);
    const config = props.environment;
    const baseName = `${config.prefix}-${config.name}`;
    const tags = { ...config.tags };
    this.addProviders(id, props.remoteState);
    Aspects.of(this).add(new McpPolicyChecks());
    this.checkSignInSettings(config);
    const client = new DataAzurermClientConfig(this, "ClientConfig");

    this.resourceGroup = props.existingResourceGroup
      ? this.adoptResourceGroup(resourceGroupNameOf(config))
      : new ResourceGroup(this, "ResourceGroup", {
          name: resourceGroupNameOf(config),
          location: config.location,
          tags,
        });
    const placement = { resourceGroupName: this.resourceGroup.name, location: config.location, tags };

    this.environment = this.createEnvironment(config, placement, baseName);
    this.registry = this.createRegistry(config, placement);
    this.image = this.serverImage(config, props.imageContextDirectory);
    if (config.authMode === "entra") {
      this.entraApp = this.createEntraApp(config, baseName, props.deployerPrincipalId);
    }
    this.app = this.createApp(config, placement, baseName, client.tenantId);
    this.environment.grantLogsRead(this.app.identity);
    this.easyAuth = this.addSignIn(config);
    if (config.customDomainHostName) {
      this.customDomain = this.addCustomDomain(config.customDomainHostName, config.location);
    }
    this.monitoring = addMonitoring(this, config, {
      baseName,
      placement,
      environment: this.environment,
      app: this.app,
      customDomain: this.customDomain,
    });

    this.addEndpointOutputs();
    if (this.entraApp) {
      this.addEntraOutputs(this.entraApp, id);
      // The instructions rely on OAuth sign-in; an API-key client sends its key itself.
      this.addClientOutputs(id);
    }
  }

  private addProviders(stackId: string, remoteState: RemoteStateConfig | undefined): void {
    // Destroying the stack deletes its own resource group even though Application Insights filled it with a
    // resource of its own (the Failure Anomalies smart detector rule, which no stack manages). Only this
    // stack's provider: the group holds nothing else.
    new AzurermProvider(this, "azurerm", {
      features: [{ resourceGroup: [{ preventDeletionIfContainsResources: false }] }],
    });
    new AzureadProvider(this, "azuread");
    new AzapiProvider(this, "azapi");
    if (remoteState) {
      new AzurermBackend(this, { ...remoteState, key: `${stackId}.tfstate`, useAzureadAuth: true });
    }
  }

  private checkSignInSettings(config: EnvironmentConfig): void {
    if (config.oauthFrontEnabled && config.easyAuthUnauthenticatedClientAction !== undefined) {
      throw new ValidationError(
        `easyAuthUnauthenticatedClientAction has no effect with oauthFrontEnabled (got ` +
          `'${config.easyAuthUnauthenticatedClientAction}'): the stack has no Easy Auth then, because Easy Auth ` +
          `would refuse the front's tokens; remove one of the two`,
        this,
      );
    }
  }

  private createEnvironment(
    config: EnvironmentConfig,
    placement: Placement,
    baseName: string,
  ): McpEnvironment {
    return new McpEnvironment(this, "Environment", {
      ...placement,
      baseName,
      logRetentionInDays: config.logRetentionInDays,
      applicationInsightsEnabled: config.applicationInsightsEnabled,
      // A virtual network makes the environment a workload-profiles one (Consumption profile: still per use).
      ...(config.network
        ? {
            ...config.network,
            workloadProfiles: [{ name: WORKLOAD_PROFILE, workloadProfileType: "Consumption" }],
          }
        : {}),
      diagnosticSettingsEnabled: config.monitoring?.diagnosticSettingsEnabled,
    });
  }

  private createRegistry(config: EnvironmentConfig, placement: Placement): ContainerRegistry {
    return new ContainerRegistry(this, "Registry", {
      ...placement,
      namePrefix: `acr${config.prefix}${config.name}`.replace(/[^a-zA-Z0-9]/g, ""),
      sku: config.registrySku,
      diagnosticsWorkspaceResourceId: config.monitoring?.diagnosticSettingsEnabled
        ? this.environment.workspace?.id
        : undefined,
    });
  }

  /** The server API registration (`entra` mode), its owners, callers and the deployer's Mcp.Invoke. */
  private createEntraApp(
    config: EnvironmentConfig,
    baseName: string,
    deployerPrincipalId: string | undefined,
  ): McpEntraApp {
    // A fixed set, the same from a laptop and from the pipeline ("whoever runs the apply" flipped the owners
    // on every run). Without any, this stack does not manage owners.
    const owners = [
      ...new Set([
        ...(config.entraOwnerObjectIds ?? []),
        ...(deployerPrincipalId ? [deployerPrincipalId] : []),
      ]),
    ];
    if (deployerPrincipalId && !config.entraOwnerObjectIds?.length) {
      Annotations.of(this).addWarning(
        "Only the deployer (MCP_DEPLOYER_PRINCIPAL_ID) owns the Entra registrations: an apply from a laptop " +
          "needs an Entra directory role (e.g. Application Administrator), or your object id in " +
          `entraOwnerObjectIds of '${config.stackName}' in stacks/environments.ts`,
      );
    }
    const entraApp = new McpEntraApp(this, "EntraApp", {
      displayName: `${baseName}-server`,
      ownerObjectIds: owners.length > 0 ? owners : undefined,
      appRoleAssignmentRequired: config.entraAppRoleAssignmentRequired,
      assignments: Object.fromEntries(
        (config.entraCallerGroupObjectIds ?? []).map((objectId) => [
          `CallerGroup-${objectId}`,
          { principalObjectId: objectId, principalType: "Group" as const },
        ]),
      ),
      // The canonical MCP URL, so a spec-following client's RFC 8707 `resource` is what Entra expects
      // (it refuses any other with AADSTS9010010). Entra accepts an https URI only on a verified domain.
      identifierUri: config.customDomainHostName ? `https://${config.customDomainHostName}/mcp` : undefined,
    });
    if (deployerPrincipalId) entraApp.grantInvokeToPrincipalId("Deployer", deployerPrincipalId);
    if (config.entraAppRoleAssignmentRequired && !config.entraCallerGroupObjectIds?.length) {
      refuseToPlan(
        this,
        "refused_no_caller_group",
        `${config.stackName} requires an app role assignment to call the server but names no group: add the ` +
          "object id of the Entra group whose members may call it to entraCallerGroupObjectIds in stacks/environments.ts",
      );
    }
    return entraApp;
  }

  private createApp(
    config: EnvironmentConfig,
    placement: Placement,
    baseName: string,
    tenantId: string,
  ): McpContainerApp {
    return new McpContainerApp(this, "Server", {
      ...placement,
      environment: this.environment,
      name: `ca-${baseName}`,
      image: this.image,
      registry: this.registry,
      authMode: config.authMode,
      entraTenantId: tenantId,
      entraAudiences: this.entraApp ? [this.entraApp.identifierUri, this.entraApp.clientId] : undefined,
      minReplicas: config.scaling.minReplicas,
      maxReplicas: config.scaling.maxReplicas,
      concurrentRequests: config.scaling.concurrentRequests,
      workloadProfileName: config.network ? WORKLOAD_PROFILE : undefined,
      corsAllowedOrigins: config.corsOrigins,
      customDomainHostName: config.customDomainHostName,
      oauthFrontEnabled: config.oauthFrontEnabled,
      oauthFrontClientId: config.oauthFrontEnabled ? this.entraApp?.clientId : undefined,
      ...(config.authMode === "apikey"
        ? {
            secrets: { "mcp-api-keys": { keyVaultSecretId: config.apiKeysKeyVaultSecretId ?? "" } },
            secretEnvironmentVariables: { MCP_API_KEYS: "mcp-api-keys" },
          }
        : {}),
    });
  }

  /**
   * `entra` mode: either the authorization front (the app's identity signs in to Entra) or Easy Auth in front
   * of the server; returns the Easy Auth it created.
   */
  private addSignIn(config: EnvironmentConfig): McpEasyAuth | undefined {
    if (!this.entraApp) return undefined;
    if (this.app.oauthFrontEnabled) {
      this.entraApp.addOauthFront({
        redirectUri: this.app.oauthFrontRedirectUri,
        identity: this.app.identity,
      });
      // Easy Auth validates every presented bearer token as an Entra token, so it would refuse the front's own
      // tokens: with the front on, the server alone checks tokens (both kinds).
      return undefined;
    }
    // Defence in depth: Easy Auth rejects an invalid token before it reaches the server, which validates
    // every token again itself.
    const easyAuth = new McpEasyAuth(this, "EasyAuth", {
      containerAppResourceId: this.app.containerAppId,
      entraApp: this.entraApp,
      unauthenticatedClientAction: config.easyAuthUnauthenticatedClientAction,
    });
    new TerraformOutput(this, "easy_auth_unauthenticated_action", {
      value: easyAuth.unauthenticatedClientAction,
      description:
        "What a request without a token gets: the server's challenge (AllowAnonymous) or Easy Auth's 401",
    });
    return easyAuth;
  }

  private addCustomDomain(hostName: string, location: string): McpCustomDomain {
    const customDomain = new McpCustomDomain(this, "CustomDomain", {
      hostName,
      app: this.app,
      environment: this.environment,
      location,
    });
    new TerraformOutput(this, "custom_domain_dns_records", {
      description: "Create these DNS records before deploying the custom domain",
      value: customDomain.dnsRecords,
    });
    return customDomain;
  }

  private addEndpointOutputs(): void {
    new TerraformOutput(this, "mcp_url", { value: `${this.app.url}/mcp` });
    new TerraformOutput(this, "sse_url", {
      value: this.app.legacySseEnabled ? `${this.app.url}/sse` : "",
      description: "Legacy HTTP+SSE endpoint; empty when legacy SSE is off (it needs maxReplicas=1)",
    });
    new TerraformOutput(this, "prm_url", {
      value: `${this.app.url}/.well-known/oauth-protected-resource/mcp`,
    });
    new TerraformOutput(this, "resource_group", { value: this.resourceGroup.name });
    // Read by the deploy workflow before it applies: the image a failed smoke test rolls back to.
    new TerraformOutput(this, "container_app_name", { value: this.app.name });
    new TerraformOutput(this, "server_image", { value: this.image.imageReference });
    new TerraformOutput(this, "registry_login_server", { value: this.registry.loginServer });
  }

  private adoptResourceGroup(name: string): DataAzurermResourceGroup {
    // A group earlier laptop deploys created in this state leaves it without being destroyed (Terraform 1.7+).
    this.addOverride("removed", [
      { from: "azurerm_resource_group.ResourceGroup", lifecycle: [{ destroy: false }] },
    ]);
    return new DataAzurermResourceGroup(this, "ResourceGroup", { name });
  }

  private serverImage(config: EnvironmentConfig, contextDirectory: string | undefined): IServerImage {
    switch (config.image.source) {
      case "bundled":
        return new BundledServerImage(this, "Image", {
          registry: this.registry,
          contextDirectory,
          builder: config.image.build,
        });
      case "existing":
        return ServerImage.fromReference(config.image.imageReference);
      case "registry":
        return ServerImage.fromReference(
          `${this.registry.loginServer}/${PIPELINE_IMAGE_REPOSITORY}@${config.image.digest}`,
        );
    }
  }

  /** Ready connection instructions per client (docs/connect-clients.md explains each). */
  private addClientOutputs(stackId: string): void {
    const mcpUrl = `${this.app.url}/mcp`;
    new TerraformOutput(this, "claude_code_command", {
      description: "Adds the server to Claude Code; then /mcp in a session signs you in",
      value: `claude mcp add --transport http ${stackId} ${mcpUrl}`,
    });
    new TerraformOutput(this, "cursor_mcp_json", {
      description: "Paste into .cursor/mcp.json (or ~/.cursor/mcp.json); Cursor signs you in",
      value: Fn.jsonencode({ mcpServers: { [stackId]: { url: mcpUrl } } }),
    });
    new TerraformOutput(this, "connector_url", {
      description:
        "Remote MCP server URL for a Claude Desktop / claude.ai custom connector or a ChatGPT connector; empty " +
        "without the authorization front (oauthFrontEnabled): those clients register themselves (CIMD or DCR), " +
        "which Entra ID alone does not offer",
      value: this.app.oauthFrontEnabled ? mcpUrl : "",
    });
  }

  private addEntraOutputs(entraApp: McpEntraApp, stackId: string): void {
    new TerraformOutput(this, "server_app_client_id", { value: entraApp.clientId });
    new TerraformOutput(this, "identifier_uri", { value: entraApp.identifierUri });
    new TerraformOutput(this, "scope", { value: entraApp.scope });
    new TerraformOutput(this, "vscode_mcp_json", {
      description:
        "Paste into .vscode/mcp.json; VS Code discovers Entra sign-in from the protected resource metadata",
      value: Fn.jsonencode({ servers: { [stackId]: { type: "http", url: `${this.app.url}/mcp` } } }),
    });
    new TerraformOutput(this, "get_token_command", {
      value: `az account get-access-token --resource ${entraApp.identifierUri} --query accessToken -o tsv`,
    });
  }
}
