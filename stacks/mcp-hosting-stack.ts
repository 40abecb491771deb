import { Aspects, AzurermBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { BundledServerImage } from "../constructs/bundled-server-image";
import { ContainerRegistry } from "../constructs/container-registry";
import { McpContainerApp } from "../constructs/mcp-container-app";
import { McpEnvironment } from "../constructs/mcp-environment";
import { McpPolicyChecks } from "../constructs/mcp-policy-checks";
import { IServerImage, ServerImage } from "../constructs/server-image";
import { EnvironmentConfig } from "./environments";
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
}

/** Hosts the MCP server on Azure Container Apps for one environment. */
export class McpHostingStack extends TerraformStack {
  public readonly resourceGroup: ResourceGroup;
  public readonly environment: McpEnvironment;
  public readonly registry: ContainerRegistry;
  public readonly image: IServerImage;
  public readonly app: McpContainerApp;

  constructor(scope: Construct, id: string, props: McpHostingStackProps) {
    super(scope, id);
    const config = props.environment;
    const baseName = `${config.prefix}-${config.name}`;
    const tags = { ...config.tags };
    new AzurermProvider(this, "azurerm", { features: [{}] });
    if (props.remoteState) {
      new AzurermBackend(this, { ...props.remoteState, key: `${id}.tfstate`, useAzureadAuth: true });
    }
    Aspects.of(this).add(new McpPolicyChecks());
    const client = new DataAzurermClientConfig(this, "ClientConfig");

    this.resourceGroup = new ResourceGroup(this, "ResourceGroup", {
      name: `rg-${baseName}`,
      location: config.location,
      tags,
    });
    const placement = { resourceGroupName: this.resourceGroup.name, location: config.location, tags };

    this.environment = new McpEnvironment(this, "Environment", {
      ...placement,
      name: baseName,
      logRetentionInDays: config.logRetentionInDays,
      applicationInsightsEnabled: config.applicationInsightsEnabled,
    });
    this.registry = new ContainerRegistry(this, "Registry", {
      ...placement,
      namePrefix: `acr${config.prefix}${config.name}`.replace(/[^a-zA-Z0-9]/g, ""),
      sku: config.registrySku,
    });
    this.image =
      config.image.source === "bundled"
        ? new BundledServerImage(this, "Image", {
            registry: this.registry,
            contextDirectory: props.imageContextDirectory,
          })
        : ServerImage.fromReference(config.image.imageReference);

    this.app = new McpContainerApp(this, "Server", {
      ...placement,
      environment: this.environment,
      name: `ca-${baseName}`,
      image: this.image,
      registry: this.registry,
      authMode: config.authMode,
      entraTenantId: client.tenantId,
      // Until McpEntraApp is wired in, the audience is the identifier URI the Entra registration is expected to use.
      entraAudiences: [`api://${baseName}`],
      minReplicas: config.scaling.minReplicas,
      maxReplicas: config.scaling.maxReplicas,
      concurrentRequests: config.scaling.concurrentRequests,
      corsAllowedOrigins: config.corsOrigins,
      ...(config.authMode === "apikey"
        ? {
            secrets: { "mcp-api-keys": { keyVaultSecretId: config.apiKeysKeyVaultSecretId ?? "" } },
            secretEnvironmentVariables: { MCP_API_KEYS: "mcp-api-keys" },
          }
        : {}),
    });
    this.environment.grantLogsRead(this.app.identity);

    new TerraformOutput(this, "mcp_url", { value: `${this.app.url}/mcp` });
    new TerraformOutput(this, "sse_url", {
      value: this.app.legacySseEnabled ? `${this.app.url}/sse` : "",
      description: "Legacy HTTP+SSE endpoint; empty when legacy SSE is off (it needs maxReplicas=1)",
    });
    new TerraformOutput(this, "prm_url", {
      value: `${this.app.url}/.well-known/oauth-protected-resource/mcp`,
    });
    new TerraformOutput(this, "resource_group", { value: this.resourceGroup.name });
    new TerraformOutput(this, "registry_login_server", { value: this.registry.loginServer });
  }
}
