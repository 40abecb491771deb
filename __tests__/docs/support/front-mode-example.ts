import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import {
  AzapiProvider,
  BundledServerImage,
  ContainerRegistry,
  McpContainerApp,
  McpEasyAuth,
  McpEntraApp,
  McpEnvironment,
  McpPolicyChecks,
  ServerImage,
} from "../../../constructs";

/**
 * server-everything (a stdio server from npm) behind the front, with Entra sign-in. The first deploy creates
 * the registry and runs the bundled server alone; the second, with EVERYTHING_IMAGE set to the image built
 * into that registry, runs the front with server-everything behind it.
 */
export class EverythingMcpStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}] });
    new AzureadProvider(this, "azuread");
    new AzapiProvider(this, "azapi");
    Aspects.of(this).add(new McpPolicyChecks());
    const client = new DataAzurermClientConfig(this, "ClientConfig");

    const rg = new ResourceGroup(this, "ResourceGroup", {
      name: "rg-everything-mcp",
      location: "westeurope",
    });
    const placement = { resourceGroupName: rg.name, location: rg.location };
    const environment = new McpEnvironment(this, "Environment", { ...placement, baseName: "everything-mcp" });
    const registry = new ContainerRegistry(this, "Registry", { ...placement, namePrefix: "acreverything" });
    const entraApp = new McpEntraApp(this, "EntraApp", { displayName: "everything-mcp-server" });

    const bundled = new BundledServerImage(this, "Image", { registry });
    // The front with the stdio server installed, built from the Dockerfile above after the first deploy.
    const everythingImage = process.env.EVERYTHING_IMAGE;

    const app = new McpContainerApp(this, "Server", {
      ...placement,
      environment,
      registry,
      name: "ca-everything-mcp",
      image: everythingImage ? ServerImage.fromReference(everythingImage) : bundled,
      authMode: "entra",
      entraTenantId: client.tenantId,
      entraAudiences: [entraApp.identifierUri, entraApp.clientId],
      maxReplicas: 3,
      upstream: everythingImage
        ? { command: ["mcp-server-everything", "stdio"], maxChildren: 20, idleSeconds: 600 }
        : undefined,
    });
    new McpEasyAuth(this, "EasyAuth", { containerAppResourceId: app.containerAppId, entraApp });

    new TerraformOutput(this, "registry_name", { value: registry.name });
    new TerraformOutput(this, "front_image", { value: bundled.imageReference });
    new TerraformOutput(this, "mcp_url", { value: `${app.url}/mcp` });
  }
}
