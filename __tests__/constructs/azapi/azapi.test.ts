import { App, Testing, TerraformStack } from "cdktf";
import { AzapiProvider } from "../../../constructs/azapi/provider";
import { AzapiResource } from "../../../constructs/azapi/resource";
import { SynthJson, onlyResource, synthStack } from "../support/synth-json";

const AUTH_CONFIG_TYPE = "Microsoft.App/containerApps/authConfigs@2025-01-01";

describe("AzapiProvider", () => {
  it("declares azure/azapi in required_providers pinned to one release", () => {
    const json = synthStack((stack) => new AzapiProvider(stack, "azapi"));
    expect(json.terraform.required_providers.azapi).toEqual({ source: "azure/azapi", version: "2.12.0" });
  });

  it("writes a provider block under azapi with snake_case settings", () => {
    const json = synthStack(
      (stack) =>
        new AzapiProvider(stack, "azapi", {
          subscriptionId: "00000000-0000-0000-0000-000000000001",
          useOidc: true,
        }),
    );
    expect(json.provider.azapi).toEqual([
      { subscription_id: "00000000-0000-0000-0000-000000000001", use_oidc: true },
    ]);
  });

  it("writes the alias and lets a resource pick that configuration", () => {
    const json = synthStack((stack) => {
      const other = new AzapiProvider(stack, "other", { alias: "other" });
      new AzapiResource(stack, "r", {
        type: AUTH_CONFIG_TYPE,
        name: "current",
        parentId: "/x",
        provider: other,
      });
    });
    expect(json.provider.azapi).toEqual([{ alias: "other" }]);
    expect(onlyResource(json, "azapi_resource")).toMatchObject({ provider: "azapi.other" });
  });
});

describe("AzapiResource", () => {
  const body = {
    properties: {
      platform: { enabled: true },
      globalValidation: { unauthenticatedClientAction: "Return401", excludedPaths: ["/healthz"] },
      identityProviders: { azureActiveDirectory: { registration: { openIdIssuer: "https://issuer" } } },
    },
  };

  it("synthesizes type, name, parent_id and the options in snake_case", () => {
    const synthesized = Testing.synthScope((scope) => {
      new AzapiResource(scope, "r", {
        type: AUTH_CONFIG_TYPE,
        name: "current",
        parentId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/containerApps/app",
        location: "swedencentral",
        schemaValidationEnabled: false,
        responseExportValues: ["properties.platform"],
        ignoreMissingProperty: false,
        body,
      });
    });
    expect(synthesized).toHaveResourceWithProperties(AzapiResource, {
      type: AUTH_CONFIG_TYPE,
      name: "current",
      parent_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/containerApps/app",
      location: "swedencentral",
      schema_validation_enabled: false,
      response_export_values: ["properties.platform"],
      ignore_missing_property: false,
    });
  });

  it("passes body through as a JSON object with its camelCase keys untouched", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new AzapiResource(scope, "r", { type: AUTH_CONFIG_TYPE, name: "current", parentId: "/x", body });
      }),
    ) as SynthJson;
    const resource = onlyResource(json, "azapi_resource");
    // Exact equality: a snake_cased key (global_validation) or a jsonencode string would both fail here.
    expect(resource.body).toEqual(body);
    expect(typeof resource.body).toBe("object");
  });

  it("leaves unset options out so the provider's defaults apply", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        new AzapiResource(scope, "r", { type: AUTH_CONFIG_TYPE, name: "current", parentId: "/x" });
      }),
    ) as SynthJson;
    expect(Object.keys(onlyResource(json, "azapi_resource")).sort()).toEqual(["name", "parent_id", "type"]);
  });

  it("resolves references inside body to Terraform expressions", () => {
    const json = synthStack((stack) => {
      const parent = new AzapiResource(stack, "parent", {
        type: AUTH_CONFIG_TYPE,
        name: "a",
        parentId: "/x",
      });
      new AzapiResource(stack, "child", {
        type: AUTH_CONFIG_TYPE,
        name: "b",
        parentId: parent.id,
        body: { properties: { parentResourceId: parent.id } },
      });
    });
    const child = json.resource.azapi_resource.child;
    expect(child.parent_id).toBe("${azapi_resource.parent.id}");
    expect(child.body).toEqual({ properties: { parentResourceId: "${azapi_resource.parent.id}" } });
  });

  it("renders body as an HCL object in HCL synthesis", () => {
    const stack = new TerraformStack(Testing.app() as App, "hcl");
    new AzapiResource(stack, "r", { type: AUTH_CONFIG_TYPE, name: "current", parentId: "/x", body });
    const hcl = Testing.synthHcl(stack);
    expect(hcl).toMatch(/body = \{/);
    expect(hcl).toContain("unauthenticatedClientAction");
    expect(hcl).not.toContain("jsonencode");
  });

  it("fails when type has no API version", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new AzapiResource(scope, "r", {
          type: "Microsoft.App/containerApps/authConfigs",
          name: "x",
          parentId: "/x",
        });
      }),
    ).toThrow(
      /AzapiResource '.*r': type must look like .*\(got "Microsoft.App\/containerApps\/authConfigs"\)/,
    );
  });
});
