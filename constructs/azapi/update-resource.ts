import { TerraformMetaArguments, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { AzapiBody, azapiResourceConfig, checkAzapiType } from "./resource";

/** Config of `AzapiUpdateResource`: a partial update of an existing resource. */
export interface AzapiUpdateResourceConfig extends TerraformMetaArguments {
  /** ARM resource type with API version, e.g. `Microsoft.App/containerApps@2025-01-01`. */
  readonly type: string;
  /** Id of the existing resource to change. */
  readonly resourceId: string;
  /** The properties to set, merged into the resource as read (arrays are replaced whole). */
  readonly body: AzapiBody;
}

/**
 * `azapi_update_resource`: changes properties of a resource that something else created (reads it, merges
 * `body`, writes it back with PUT). Destroying it leaves the resource as it is.
 * Not for resources whose reads hide secret values, such as container apps: the PUT sends their secrets back
 * without values and Azure refuses it (`ContainerAppSecretNull`). Patch those with `AzapiResourceAction`
 * (`method: "PATCH"`, a body of only the properties to change).
 */
export class AzapiUpdateResource extends TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = "azapi_update_resource";

  private readonly config: AzapiUpdateResourceConfig;

  constructor(scope: Construct, id: string, config: AzapiUpdateResourceConfig) {
    super(scope, id, azapiResourceConfig("azapi_update_resource", config));
    checkAzapiType(this, config.type);
    this.config = config;
  }

  /** The Terraform id of the update: the resource id it changes. */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { type: this.config.type, resource_id: this.config.resourceId, body: this.config.body };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      type: { value: this.config.type, isBlock: false, type: "simple", storageClassType: "string" },
      resource_id: {
        value: this.config.resourceId,
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      body: { value: this.config.body, isBlock: false, type: "any", storageClassType: "" },
    };
  }
}
