import { Token } from "cdktf";
import { Construct } from "constructs";
import { ValidationError } from "../validation-error";
import { checkOneOf } from "./checks";
import { ContainerAppEnvironmentConfig } from "@cdktf/provider-azurerm/lib/container-app-environment";
import { InfrastructureSubnet } from "../infrastructure-subnet";
import type { McpEnvironmentProps, McpWorkloadProfile } from "../mcp-environment";

/** The network part of {@link McpEnvironmentProps}. */
export type McpEnvironmentNetworkProps = Pick<
  McpEnvironmentProps,
  | "resourceGroupName"
  | "location"
  | "workloadProfiles"
  | "virtualNetworkAddressSpace"
  | "infrastructureSubnetAddressPrefix"
  | "infrastructureSubnetResourceId"
  | "zoneRedundancyEnabled"
  | "internalLoadBalancerEnabled"
  | "tags"
>;

const WORKLOAD_PROFILE_TYPES = ["Consumption", "D4", "D8", "D16", "D32", "E4", "E8", "E16", "E32"] as const;
/** Smallest infrastructure subnets Container Apps accepts, by environment type (Microsoft Learn, networking). */
export const MIN_SUBNET_SIZE = { workloadProfiles: 27, consumptionOnly: 23 } as const;
const SUBNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

type NetworkFragment = Pick<
  ContainerAppEnvironmentConfig,
  | "infrastructureSubnetId"
  | "infrastructureResourceGroupName"
  | "internalLoadBalancerEnabled"
  | "zoneRedundancyEnabled"
  | "workloadProfile"
>;

/**
 * Checks the network props and creates the virtual network when asked; returns the environment's network
 * settings. Bad props throw a ValidationError for `scope`.
 */
export function environmentNetwork(
  scope: Construct,
  baseName: string,
  props: McpEnvironmentNetworkProps,
): { fragment: NetworkFragment; subnet?: InfrastructureSubnet } {
  const profiles = props.workloadProfiles ?? [];
  checkProfiles(scope, profiles);
  const newNetwork = props.virtualNetworkAddressSpace !== undefined;
  const existingSubnet = props.infrastructureSubnetResourceId;
  if (newNetwork && existingSubnet !== undefined) {
    throw new ValidationError(
      "give virtualNetworkAddressSpace (a new virtual network) or infrastructureSubnetResourceId (an existing subnet), not both",
      scope,
    );
  }
  if (props.infrastructureSubnetAddressPrefix !== undefined && !newNetwork) {
    throw new ValidationError(
      `infrastructureSubnetAddressPrefix needs virtualNetworkAddressSpace (got infrastructureSubnetAddressPrefix=${props.infrastructureSubnetAddressPrefix} alone)`,
      scope,
    );
  }
  if (
    existingSubnet !== undefined &&
    !Token.isUnresolved(existingSubnet) &&
    !SUBNET_ID.test(existingSubnet)
  ) {
    throw new ValidationError(
      "infrastructureSubnetResourceId must be a subnet id, /subscriptions/<id>/resourceGroups/<rg>/providers/" +
        `Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet> (got '${existingSubnet}')`,
      scope,
    );
  }
  const hasSubnet = newNetwork || existingSubnet !== undefined;
  for (const flag of ["zoneRedundancyEnabled", "internalLoadBalancerEnabled"] as const) {
    if (props[flag] === true && !hasSubnet) {
      throw new ValidationError(
        `${flag}=true needs an infrastructure subnet: set virtualNetworkAddressSpace or infrastructureSubnetResourceId (got neither)`,
        scope,
      );
    }
  }

  const subnet = newNetwork
    ? new InfrastructureSubnet(scope, "Network", {
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        baseName,
        addressSpace: props.virtualNetworkAddressSpace!,
        subnetAddressPrefix: props.infrastructureSubnetAddressPrefix,
        // Workload-profiles environments need the delegation; Consumption-only ones must not have it.
        delegationEnabled: profiles.length > 0,
        tags: props.tags,
      })
    : undefined;
  const minimum = profiles.length > 0 ? MIN_SUBNET_SIZE.workloadProfiles : MIN_SUBNET_SIZE.consumptionOnly;
  if (subnet?.prefixLength !== undefined && subnet.prefixLength > minimum) {
    const kind = profiles.length > 0 ? "a workload-profiles environment" : "a Consumption-only environment";
    throw new ValidationError(
      `the infrastructure subnet is too small for ${kind}: it needs /${minimum} or larger ` +
        `(got /${subnet.prefixLength} from ${props.infrastructureSubnetAddressPrefix ?? props.virtualNetworkAddressSpace})`,
      scope,
    );
  }

  return {
    subnet,
    fragment: {
      infrastructureSubnetId: subnet?.subnetId ?? existingSubnet,
      // Azure names the managed resource group itself when this is empty, and azurerm then plans a replacement.
      infrastructureResourceGroupName:
        profiles.length > 0 ? `ME_${props.resourceGroupName}_cae-${baseName}` : undefined,
      internalLoadBalancerEnabled: props.internalLoadBalancerEnabled,
      zoneRedundancyEnabled: props.zoneRedundancyEnabled,
      workloadProfile: profiles.length > 0 ? profiles.map((profile) => ({ ...profile })) : undefined,
    },
  };
}

function checkProfiles(scope: Construct, profiles: readonly McpWorkloadProfile[]): void {
  const names = new Set<string>();
  profiles.forEach((profile, i) => {
    const field = `workloadProfiles[${i}]`;
    checkOneOf(scope, `${field}.workloadProfileType`, profile.workloadProfileType, WORKLOAD_PROFILE_TYPES);
    if (names.has(profile.name))
      throw new ValidationError(`${field}.name must be unique (got '${profile.name}' twice)`, scope);
    names.add(profile.name);
    const consumption = profile.workloadProfileType === "Consumption";
    if (consumption !== (profile.name === "Consumption")) {
      throw new ValidationError(
        `${field}: the Consumption profile is named 'Consumption' and only it (got name='${profile.name}', workloadProfileType='${profile.workloadProfileType}')`,
        scope,
      );
    }
    const counted = profile.minimumCount !== undefined && profile.maximumCount !== undefined;
    if (
      !consumption &&
      (!counted || profile.minimumCount! < 0 || profile.maximumCount! < profile.minimumCount!)
    ) {
      throw new ValidationError(
        `${field}: a dedicated profile needs 0 <= minimumCount <= maximumCount (got minimumCount=${profile.minimumCount}, maximumCount=${profile.maximumCount})`,
        scope,
      );
    }
    if (consumption && (profile.minimumCount !== undefined || profile.maximumCount !== undefined)) {
      throw new ValidationError(
        `${field}: the Consumption profile takes no minimumCount or maximumCount`,
        scope,
      );
    }
  });
}
