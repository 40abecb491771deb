import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import {
  ContainerRegistry,
  McpContainerApp,
  McpEnvironment,
  McpPolicyChecks,
  ServerImage,
} from "../../../constructs";

export class TeamMcpStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}] });
    Aspects.of(this).add(new McpPolicyChecks());

    const rg = new ResourceGroup(this, "ResourceGroup", { name: "rg-team-mcp", location: "westeurope" });
    const placement = { resourceGroupName: rg.name, location: rg.location };
    const environment = new McpEnvironment(this, "Environment", {
      ...placement,
      baseName: "team-mcp",
      applicationInsightsEnabled: true,
    });
    const registry = new ContainerRegistry(this, "Registry", { ...placement, namePrefix: "acrteam" });

    const app = new McpContainerApp(this, "Server", {
      ...placement,
      environment,
      registry,
      name: "ca-team-mcp",
      // Built and pushed by your pipeline (`az acr build`); or `new BundledServerImage(this, "Image", { registry })`.
      image: ServerImage.fromReference("acrteam0123abcd.azurecr.io/team-mcp:1.4.2"),
      authMode: "entra",
      entraTenantId: "00000000-0000-0000-0000-000000000000",
      entraAudiences: ["api://team-mcp"],
      maxReplicas: 5,
      corsAllowedOrigins: ["https://vscode.dev"],
      roleAssignments: {
        docs: {
          roleDefinitionIdOrName: "Storage Blob Data Reader",
          scope: "/subscriptions/<id>/resourceGroups/rg-docs",
        },
      },
    });
    environment.grantLogsRead(app.identity);

    new TerraformOutput(this, "mcp_url", { value: `${app.url}/mcp` });
  }
}
