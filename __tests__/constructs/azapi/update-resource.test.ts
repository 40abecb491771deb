import { AzapiProvider } from "../../../constructs/azapi/provider";
import { AzapiUpdateResource } from "../../../constructs/azapi/update-resource";
import { onlyResource, synthStack } from "../support/synth-json";

describe("AzapiUpdateResource", () => {
  it("writes type, resource_id and the body with its ARM keys untouched, with the azapi provider", () => {
    const json = synthStack((stack) => {
      new AzapiProvider(stack, "azapi");
      new AzapiUpdateResource(stack, "u", {
        type: "Microsoft.App/containerApps@2025-01-01",
        resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/containerApps/ca",
        body: {
          properties: { configuration: { ingress: { customDomains: [{ bindingType: "SniEnabled" }] } } },
        },
      });
    });
    expect(json.terraform.required_providers.azapi).toEqual({ source: "azure/azapi", version: "2.12.0" });
    expect(onlyResource(json, "azapi_update_resource")).toEqual({
      type: "Microsoft.App/containerApps@2025-01-01",
      resource_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/containerApps/ca",
      body: {
        properties: { configuration: { ingress: { customDomains: [{ bindingType: "SniEnabled" }] } } },
      },
    });
  });

  it("fails when the type has no API version", () => {
    expect(() =>
      synthStack((stack) => {
        new AzapiUpdateResource(stack, "u", {
          type: "Microsoft.App/containerApps",
          resourceId: "/x",
          body: {},
        });
      }),
    ).toThrow(
      `AzapiUpdateResource 'test/u': type must look like <Namespace>/<resourceType>@<api-version>, e.g. "Microsoft.App/containerApps/authConfigs@2025-01-01" (got "Microsoft.App/containerApps")`,
    );
  });
});
