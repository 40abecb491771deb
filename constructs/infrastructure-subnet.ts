import { Token } from "cdktf";
import { Construct } from "constructs";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { cidrContains, parseIpv4Cidr } from "./private/cidr";
import { requiredRenamedProp } from "./private/renamed-prop";
import { ValidationError } from "./validation-error";

/** Props of `InfrastructureSubnet`. */
export interface InfrastructureSubnetProps {
  /** Resource group of the virtual network. */
  readonly resourceGroupName: string;
  /** Azure region; always explicit. */
  readonly location: string;
  /**
   * Base of the derived names: the virtual network is `vnet-<baseName>`, the subnet `snet-cae-<baseName>`.
   * Required (optional in the type only while the deprecated `name` is accepted).
   * @default - none; required
   */
  readonly baseName?: string;
  /**
   * The former name of `baseName`, still accepted for one release (a synth warning names the new one).
   * @deprecated use `baseName`; giving both with different values is an error.
   * @default - none
   */
  readonly name?: string;
  /** The virtual network's address space, an IPv4 CIDR range such as `10.40.0.0/16`. */
  readonly addressSpace: string;
  /**
   * The infrastructure subnet's range, inside `addressSpace`.
   * @default - the whole `addressSpace`
   */
  readonly subnetAddressPrefix?: string;
  /**
   * Delegate the subnet to `Microsoft.App/environments`. Workload-profiles environments need the
   * delegation; Consumption-only environments must not have it.
   * @default true
   */
  readonly delegationEnabled?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A virtual network with one subnet dedicated to a Container Apps environment's infrastructure. */
export class InfrastructureSubnet extends Construct {
  /** The virtual network (`VirtualNetwork`). */
  public readonly virtualNetwork: VirtualNetwork;
  /** The subnet (`Resource`). */
  public readonly resource: Subnet;
  /** The subnet's Azure resource id, for `McpEnvironment`'s `infrastructureSubnetResourceId`. */
  public readonly subnetId: string;
  /** The subnet's prefix length (23 for a /23), for size checks; undefined when the range is a token. */
  public readonly prefixLength?: number;

  constructor(scope: Construct, id: string, props: InfrastructureSubnetProps) {
    super(scope, id);
    const baseName = requiredRenamedProp(this, "baseName", props.baseName, "name", props.name);
    const subnetPrefix = props.subnetAddressPrefix ?? props.addressSpace;
    const space = this.parse("addressSpace", props.addressSpace);
    const subnet = this.parse("subnetAddressPrefix", subnetPrefix);
    if (space && subnet && !cidrContains(space, subnet)) {
      throw new ValidationError(
        `subnetAddressPrefix must lie inside addressSpace (got subnetAddressPrefix=${subnetPrefix}, addressSpace=${props.addressSpace})`,
        this,
      );
    }
    this.prefixLength = subnet?.prefixLength;

    this.virtualNetwork = new VirtualNetwork(this, "VirtualNetwork", {
      name: `vnet-${baseName}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      addressSpace: [props.addressSpace],
      tags: { ...props.tags },
    });
    this.resource = new Subnet(this, "Resource", {
      name: `snet-cae-${baseName}`,
      resourceGroupName: props.resourceGroupName,
      virtualNetworkName: this.virtualNetwork.name,
      addressPrefixes: [subnetPrefix],
      delegation:
        (props.delegationEnabled ?? true)
          ? [
              {
                name: "container-apps",
                serviceDelegation: {
                  name: "Microsoft.App/environments",
                  actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
                },
              },
            ]
          : undefined,
    });
    this.subnetId = this.resource.id;
  }

  private parse(field: string, value: string): ReturnType<typeof parseIpv4Cidr> {
    if (Token.isUnresolved(value)) return undefined;
    const parsed = parseIpv4Cidr(value);
    if (!parsed) {
      throw new ValidationError(
        `${field} must be an IPv4 CIDR range whose address starts the range, like 10.40.0.0/16 (got '${value}')`,
        this,
      );
    }
    return parsed;
  }
}
