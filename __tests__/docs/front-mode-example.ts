import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AzureadProvider } from "@cdktf/provider-azuread/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import {
  AzapiProvider,
  ContainerRegistry,
  McpContainerApp,
  McpEasyAuth,
  McpEntraApp,
  McpEnvironment,
  McpPolicyChecks,
  ServerImage,
} from "../../constructs";

/** server-everything (a stdio server from npm) behind the front, with Entra sign-in. */
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
    const environment = new McpEnvironment(this, "Environment", { ...placement, name: "everything-mcp" });
    const registry = new ContainerRegistry(this, "Registry", { ...placement, namePrefix: "acreverything" });
    const entraApp = new McpEntraApp(this, "EntraApp", { displayName: "everything-mcp-server" });

    const app = new McpContainerApp(this, "Server", {
      ...placement,
      environment,
      registry,
      name: "ca-everything-mcp",
      // The front with the stdio server installed: built from the Dockerfile above with `az acr build`.
      image: ServerImage.fromReference("acreverything0123abcd.azurecr.io/mcp-everything:2026.8.31"),
      authMode: "entra",
      entraTenantId: client.tenantId,
      entraAudiences: [entraApp.identifierUri, entraApp.clientId],
      maxReplicas: 3,
      upstream: {
        command: ["mcp-server-everything", "stdio"],
        maxChildren: 20,
        idleSeconds: 600,
      },
    });
    new McpEasyAuth(this, "EasyAuth", { containerAppResourceId: app.containerAppId, entraApp });

    new TerraformOutput(this, "mcp_url", { value: `${app.url}/mcp` });
  }
}
