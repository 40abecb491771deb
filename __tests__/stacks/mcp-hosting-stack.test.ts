import { App, Testing } from "cdktf";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { McpHostingStack } from "../../stacks/mcp-hosting-stack";

describe("McpHostingStack", () => {
  it("creates a tagged resource group in the configured location", () => {
    const stack = new McpHostingStack(Testing.app() as App, "mcp-test", {
      stackName: "mcp-test",
      name: "test",
      location: "northeurope",
      prefix: "demo",
      tags: { owner: "platform" },
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ResourceGroup, {
      name: "rg-demo-test",
      location: "northeurope",
      tags: { owner: "platform" },
    });
  });
});
