import { Testing } from "cdktf";
import { ContainerRegistry as AzurermContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { ContainerRegistry, ContainerRegistrySku } from "../../constructs/container-registry";
import { placement, referenceTo, resources } from "./support/common";

describe("ContainerRegistry", () => {
  it("creates a Basic registry with the admin user and anonymous pull disabled", () => {
    const synth = Testing.synthScope((scope) => {
      new ContainerRegistry(scope, "Registry", { ...placement, tags: { team: "a" } });
    });
    expect(synth).toHaveResourceWithProperties(AzurermContainerRegistry, {
      sku: "Basic",
      admin_enabled: false,
      anonymous_pull_enabled: false,
      location: "northeurope",
      resource_group_name: "rg-test",
      tags: { team: "a" },
    });
  });

  it("names the registry prefix + a hash of subscription, resource group and construct path", () => {
    const synth = Testing.synthScope((scope) => {
      new ContainerRegistry(scope, "Registry", { ...placement, namePrefix: "acrdemo", sku: "Standard" });
    });
    const [registry] = resources(synth, "azurerm_container_registry");
    expect(registry.sku).toBe("Standard");
    expect(registry.name).toMatch(
      /^acrdemo\$\{substr\(sha1\(join\("\/", \[data\.azurerm_client_config\.\w+\.subscription_id, "rg-test", "stack\/Registry"\]\)\), 0, 8\)\}$/,
    );
  });

  it("gives two registries in one stack different names", () => {
    const synth = Testing.synthScope((scope) => {
      new ContainerRegistry(scope, "A", placement);
      new ContainerRegistry(scope, "B", placement);
    });
    const names = resources(synth, "azurerm_container_registry").map((r) => r.name);
    expect(new Set(names).size).toBe(2);
  });

  it("grants AcrPull on the registry to an identity, keyed by the identity's path", () => {
    const synth = Testing.synthScope((scope) => {
      const registry = new ContainerRegistry(scope, "Registry", placement);
      registry.grantPull(new UserAssignedIdentity(scope, "Puller", { ...placement, name: "id" }));
    });
    expect(resources(synth, "azurerm_role_assignment")).toEqual([
      expect.objectContaining({
        role_definition_name: "AcrPull",
        scope: referenceTo("azurerm_container_registry", "id"),
        principal_id: referenceTo("azurerm_user_assigned_identity", "principal_id"),
      }),
    ]);
    expect(Object.keys(JSON.parse(synth).resource.azurerm_role_assignment)[0]).toMatch(
      /^Registry_AcrPull-Puller_/,
    );
  });

  it("fails when adminEnabled is true", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new ContainerRegistry(scope, "Registry", { ...placement, adminEnabled: true as unknown as false });
      }),
    ).toThrow(/ContainerRegistry 'stack\/Registry': adminEnabled must be false \(got true\)/);
  });

  it.each(["acr-demo", "", "a".repeat(43)])("fails when namePrefix is %p", (namePrefix) => {
    expect(() =>
      Testing.synthScope((scope) => {
        new ContainerRegistry(scope, "Registry", { ...placement, namePrefix });
      }),
    ).toThrow(
      /namePrefix must be 1 to 42 letters or digits, so the registry name .* has 5 to 50 alphanumerics/,
    );
  });

  it("fails when sku is not a registry tier", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new ContainerRegistry(scope, "Registry", { ...placement, sku: "Free" as ContainerRegistrySku });
      }),
    ).toThrow(/sku must be one of Basic, Standard, Premium \(got 'Free'\)/);
  });
});
