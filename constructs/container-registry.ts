import { Token } from "cdktf";
import { Construct } from "constructs";
import { ContainerRegistry as AzurermContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import { DataAzurermClientConfig } from "@cdktf/provider-azurerm/lib/data-azurerm-client-config";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Grantee } from "./grantee";
import { granteeKey } from "./private/grantee-key";
import { assignRole } from "./private/assign-role";
import { diagnosticSetting } from "./private/diagnostic-setting";
import { deploymentScopedSuffix } from "./private/deployment-scoped-suffix";
import { ValidationError } from "./validation-error";
import { checkOneOf } from "./private/checks";

/** Props of `ContainerRegistry`. */
export interface ContainerRegistryProps {
  /** Resource group of the registry. */
  readonly resourceGroupName: string;
  /** Azure region; always explicit. */
  readonly location: string;
  /**
   * Start of the registry name (1 to 42 letters and digits). Registry names are global, so 8 hex
   * characters derived from the subscription, resource group and construct path follow it; the full name
   * has 9 to 50 alphanumerics, within Azure's 5 to 50.
   * @default "acr"
   */
  readonly namePrefix?: string;
  /**
   * Basic is enough for one server image and `az acr build`; Standard adds storage and throughput.
   * @default "Basic"
   */
  readonly sku?: ContainerRegistrySku;
  /**
   * The admin user is never enabled: pulls use managed identities. Only `false` is accepted; `true` is
   * refused.
   * @default false
   */
  readonly adminEnabled?: false;
  /**
   * Send login and repository events (`ContainerRegistryLoginEvents`, `ContainerRegistryRepositoryEvents`)
   * and all metrics to this Log Analytics workspace.
   * @default - no diagnostic setting
   */
  readonly diagnosticsWorkspaceResourceId?: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The registry tiers. */
export const CONTAINER_REGISTRY_SKUS = ["Basic", "Standard", "Premium"] as const;
/** ACR service tier; Premium adds geo-replication and private endpoints. */
export type ContainerRegistrySku = (typeof CONTAINER_REGISTRY_SKUS)[number];

/** An Azure Container Registry with the admin user disabled; pulls are granted to identities. */
export class ContainerRegistry extends Construct {
  /** The registry (`Resource`). */
  public readonly resource: AzurermContainerRegistry;
  /** The registry name (a Terraform expression: it ends in a deployment-scoped hash). */
  public readonly name: string;
  /** The registry's host name, e.g. `acr1a2b3c.azurecr.io`: the prefix of its image references. */
  public readonly loginServer: string;
  /** The registry's Azure resource id, the scope of its role assignments. */
  public readonly registryId: string;
  /** The subscription the registry lives in, for `az acr build --subscription`. */
  public readonly subscriptionId: string;

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const namePrefix = props.namePrefix ?? "acr";
    const sku = props.sku ?? "Basic";
    if ((props.adminEnabled as boolean | undefined) === true) {
      throw new ValidationError(
        "adminEnabled must be false (got true): the admin user's shared password is refused; grant AcrPull to an identity with grantPull()",
        this,
      );
    }
    if (!Token.isUnresolved(namePrefix) && !/^[a-zA-Z0-9]{1,42}$/.test(namePrefix)) {
      throw new ValidationError(
        `namePrefix must be 1 to 42 letters or digits, so the registry name (prefix + 8-character hash) has 5 to 50 alphanumerics (got '${namePrefix}')`,
        this,
      );
    }
    checkOneOf(this, "sku", sku, CONTAINER_REGISTRY_SKUS);

    const clientConfig = new DataAzurermClientConfig(this, "ClientConfig");
    this.subscriptionId = clientConfig.subscriptionId;
    this.resource = new AzurermContainerRegistry(this, "Resource", {
      name: `${namePrefix}${deploymentScopedSuffix(clientConfig.subscriptionId, props.resourceGroupName, this.node.path)}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku,
      adminEnabled: false,
      anonymousPullEnabled: false,
      tags: { ...props.tags },
    });
    this.name = this.resource.name;
    this.loginServer = this.resource.loginServer;
    this.registryId = this.resource.id;
    if (props.diagnosticsWorkspaceResourceId !== undefined) {
      diagnosticSetting(this, this.registryId, props.diagnosticsWorkspaceResourceId, [
        "ContainerRegistryLoginEvents",
        "ContainerRegistryRepositoryEvents",
      ]);
    }
  }

  /** Grants `AcrPull` on this registry. */
  public grantPull(grantee: Grantee): RoleAssignment {
    return assignRole(this, `AcrPull-${granteeKey(grantee)}`, grantee.principalId, {
      roleDefinitionIdOrName: "AcrPull",
      scope: this.registryId,
    });
  }
}
