import { Testing } from "cdktf";
import { ContainerAppEnvironment } from "@cdktf/provider-azurerm/lib/container-app-environment";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { McpEnvironment, McpEnvironmentProps } from "../../constructs/mcp-environment";
import { placement, referenceTo, resources } from "./support/common";

const CONSUMPTION = [{ name: "Consumption", workloadProfileType: "Consumption" }];
const SUBNET_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-apps";

function synthEnvironment(props: Partial<McpEnvironmentProps>): string {
  return Testing.synthScope((scope) => {
    new McpEnvironment(scope, "Env", { ...placement, baseName: "demo", ...props });
  });
}

describe("McpEnvironment network", () => {
  it("keeps the Azure-managed network and no profiles when nothing is asked for", () => {
    const [environment] = resources(synthEnvironment({}), "azurerm_container_app_environment");
    expect(environment).not.toHaveProperty("infrastructure_subnet_id");
    expect(environment).not.toHaveProperty("workload_profile");
    expect(environment).not.toHaveProperty("zone_redundancy_enabled");
  });

  it("creates a virtual network with a delegated /27 subnet for a zone-redundant workload-profiles environment", () => {
    const synth = synthEnvironment({
      workloadProfiles: CONSUMPTION,
      virtualNetworkAddressSpace: "10.40.0.0/16",
      infrastructureSubnetAddressPrefix: "10.40.0.0/27",
      zoneRedundancyEnabled: true,
    });
    expect(synth).toHaveResourceWithProperties(VirtualNetwork, {
      name: "vnet-demo",
      address_space: ["10.40.0.0/16"],
    });
    expect(synth).toHaveResourceWithProperties(Subnet, {
      name: "snet-cae-demo",
      address_prefixes: ["10.40.0.0/27"],
      delegation: [
        {
          name: "container-apps",
          service_delegation: {
            name: "Microsoft.App/environments",
            actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
          },
        },
      ],
    });
    expect(resources(synth, "azurerm_container_app_environment")).toEqual([
      expect.objectContaining({
        infrastructure_subnet_id: referenceTo("azurerm_subnet", "id"),
        infrastructure_resource_group_name: "ME_rg-test_cae-demo",
        zone_redundancy_enabled: true,
        workload_profile: [{ name: "Consumption", workload_profile_type: "Consumption" }],
      }),
    ]);
  });

  it("leaves the subnet of a Consumption-only environment undelegated", () => {
    const synth = synthEnvironment({ virtualNetworkAddressSpace: "10.50.0.0/23" });
    const [subnet] = resources(synth, "azurerm_subnet");
    expect(subnet.address_prefixes).toEqual(["10.50.0.0/23"]);
    expect(subnet).not.toHaveProperty("delegation");
  });

  it("uses an existing subnet and an internal load balancer", () => {
    const synth = synthEnvironment({
      workloadProfiles: CONSUMPTION,
      infrastructureSubnetResourceId: SUBNET_ID,
      internalLoadBalancerEnabled: true,
    });
    expect(synth).not.toHaveResource(VirtualNetwork);
    expect(synth).toHaveResourceWithProperties(ContainerAppEnvironment, {
      infrastructure_subnet_id: SUBNET_ID,
      internal_load_balancer_enabled: true,
    });
  });

  it("adds dedicated profiles with their node counts", () => {
    const synth = synthEnvironment({
      workloadProfiles: [
        ...CONSUMPTION,
        { name: "big", workloadProfileType: "D4", minimumCount: 1, maximumCount: 3 },
      ],
    });
    expect(synth).toHaveResourceWithProperties(ContainerAppEnvironment, {
      workload_profile: [
        { name: "Consumption", workload_profile_type: "Consumption" },
        { name: "big", workload_profile_type: "D4", minimum_count: 1, maximum_count: 3 },
      ],
    });
  });

  it("fails when the subnet is too small for a workload-profiles environment", () => {
    expect(() =>
      synthEnvironment({
        workloadProfiles: CONSUMPTION,
        virtualNetworkAddressSpace: "10.40.0.0/16",
        infrastructureSubnetAddressPrefix: "10.40.0.0/28",
      }),
    ).toThrow(
      "McpEnvironment 'stack/Env': the infrastructure subnet is too small for a workload-profiles environment: it needs /27 or larger (got /28 from 10.40.0.0/28)",
    );
  });

  it("fails when the subnet is too small for a Consumption-only environment", () => {
    expect(() => synthEnvironment({ virtualNetworkAddressSpace: "10.40.0.0/24" })).toThrow(
      /too small for a Consumption-only environment: it needs \/23 or larger \(got \/24 from 10\.40\.0\.0\/24\)/,
    );
  });

  it("fails when zone redundancy is asked for without a subnet", () => {
    expect(() => synthEnvironment({ zoneRedundancyEnabled: true })).toThrow(
      /zoneRedundancyEnabled=true needs an infrastructure subnet: set virtualNetworkAddressSpace or infrastructureSubnetResourceId/,
    );
  });

  it("fails when the internal load balancer is asked for without a subnet", () => {
    expect(() => synthEnvironment({ internalLoadBalancerEnabled: true })).toThrow(
      /internalLoadBalancerEnabled=true needs an infrastructure subnet/,
    );
  });

  it("fails when both a new network and an existing subnet are given", () => {
    expect(() =>
      synthEnvironment({
        virtualNetworkAddressSpace: "10.40.0.0/16",
        infrastructureSubnetResourceId: SUBNET_ID,
      }),
    ).toThrow(/give virtualNetworkAddressSpace .* or infrastructureSubnetResourceId .*, not both/);
  });

  it("fails when the subnet lies outside the address space", () => {
    expect(() =>
      synthEnvironment({
        virtualNetworkAddressSpace: "10.40.0.0/16",
        infrastructureSubnetAddressPrefix: "10.41.0.0/23",
      }),
    ).toThrow(
      "InfrastructureSubnet 'stack/Env/Network': subnetAddressPrefix must lie inside addressSpace (got subnetAddressPrefix=10.41.0.0/23, addressSpace=10.40.0.0/16)",
    );
  });

  it("fails when the address space is not a CIDR range", () => {
    expect(() => synthEnvironment({ virtualNetworkAddressSpace: "10.40.0.1/16" })).toThrow(
      /addressSpace must be an IPv4 CIDR range whose address starts the range, like 10\.40\.0\.0\/16 \(got '10\.40\.0\.1\/16'\)/,
    );
  });

  it("fails when the existing subnet id is not a subnet id", () => {
    expect(() => synthEnvironment({ infrastructureSubnetResourceId: "snet-apps" })).toThrow(
      /infrastructureSubnetResourceId must be a subnet id, .* \(got 'snet-apps'\)/,
    );
  });

  it("fails when a workload profile type is unknown", () => {
    expect(() => synthEnvironment({ workloadProfiles: [{ name: "x", workloadProfileType: "D3" }] })).toThrow(
      /workloadProfiles\[0\]\.workloadProfileType must be one of Consumption, D4, .* \(got 'D3'\)/,
    );
  });

  it("fails when a dedicated profile has no node counts", () => {
    expect(() =>
      synthEnvironment({ workloadProfiles: [{ name: "big", workloadProfileType: "E4" }] }),
    ).toThrow(
      /workloadProfiles\[0\]: a dedicated profile needs 0 <= minimumCount <= maximumCount \(got minimumCount=undefined, maximumCount=undefined\)/,
    );
  });

  it("fails when network props are combined with an existing environment", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new McpEnvironment(scope, "Env", {
          ...placement,
          existingEnvironmentResourceId:
            "/subscriptions/0/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/cae",
          zoneRedundancyEnabled: true,
        });
      }),
    ).toThrow(/existingEnvironmentResourceId cannot be combined with zoneRedundancyEnabled/);
  });
});
