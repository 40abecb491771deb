import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { EnvironmentConfig } from "./environments";

/** Hosts the MCP server on Azure Container Apps for one environment. */
export class McpHostingStack extends TerraformStack {
  public readonly resourceGroup: ResourceGroup;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", { features: [{}] });

    this.resourceGroup = new ResourceGroup(this, "ResourceGroup", {
      name: `rg-${config.prefix}-${config.name}`,
      location: config.location,
      tags: { ...config.tags },
    });

    new TerraformOutput(this, "resource_group", { value: this.resourceGroup.name });
  }
}
