import { AzapiProvider } from "../../../constructs/azapi/provider";
import { AzapiResourceAction } from "../../../constructs/azapi/resource-action";
import { onlyResource, synthStack } from "../support/synth-json";

const APP_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/containerApps/ca";
const PATCH_BODY = {
  properties: {
    configuration: { ingress: { customDomains: [{ name: "mcp.example.com", bindingType: "Disabled" }] } },
  },
};

describe("AzapiResourceAction", () => {
  it("writes type, resource_id, method, when and the body with its ARM keys untouched", () => {
    const json = synthStack((stack) => {
      new AzapiProvider(stack, "azapi");
      new AzapiResourceAction(stack, "a", {
        type: "Microsoft.App/containerApps@2025-01-01",
        resourceId: APP_ID,
        method: "PATCH",
        when: "destroy",
        body: PATCH_BODY,
      });
    });
    expect(json.terraform.required_providers.azapi).toEqual({ source: "azure/azapi", version: "2.12.0" });
    expect(onlyResource(json, "azapi_resource_action")).toEqual({
      type: "Microsoft.App/containerApps@2025-01-01",
      resource_id: APP_ID,
      method: "PATCH",
      when: "destroy",
      body: PATCH_BODY,
    });
  });

  it("leaves out what is not set, so the provider's defaults (POST, apply) hold", () => {
    const json = synthStack((stack) => {
      new AzapiResourceAction(stack, "a", {
        type: "Microsoft.App/containerApps@2025-01-01",
        resourceId: APP_ID,
        action: "listSecrets",
      });
    });
    expect(onlyResource(json, "azapi_resource_action")).toEqual({
      type: "Microsoft.App/containerApps@2025-01-01",
      resource_id: APP_ID,
      action: "listSecrets",
    });
  });

  it("fails when the method is not one azapi accepts", () => {
    expect(() =>
      synthStack((stack) => {
        new AzapiResourceAction(stack, "a", {
          type: "Microsoft.App/containerApps@2025-01-01",
          resourceId: APP_ID,
          method: "GET" as "POST",
        });
      }),
    ).toThrow(`AzapiResourceAction 'test/a': method must be one of POST, PATCH, PUT, DELETE (got "GET")`);
  });

  it("fails when `when` is neither apply nor destroy", () => {
    expect(() =>
      synthStack((stack) => {
        new AzapiResourceAction(stack, "a", {
          type: "Microsoft.App/containerApps@2025-01-01",
          resourceId: APP_ID,
          when: "create" as "apply",
        });
      }),
    ).toThrow(`AzapiResourceAction 'test/a': when must be one of apply, destroy (got "create")`);
  });

  it("fails when the type has no API version", () => {
    expect(() =>
      synthStack((stack) => {
        new AzapiResourceAction(stack, "a", { type: "Microsoft.App/containerApps", resourceId: APP_ID });
      }),
    ).toThrow(/AzapiResourceAction 'test\/a': type must look like <Namespace>\/<resourceType>@<api-version>/);
  });
});
