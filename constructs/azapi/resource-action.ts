import { TerraformMetaArguments, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { checkOneOf } from "../private/checks";
import { AzapiBody, azapiResourceConfig, checkAzapiType } from "./resource";

/** The HTTP methods an `azapi_resource_action` can send. */
export const AZAPI_ACTION_METHODS = ["POST", "PATCH", "PUT", "DELETE"] as const;
/** HTTP method of an `AzapiResourceAction` request. */
export type AzapiActionMethod = (typeof AZAPI_ACTION_METHODS)[number];
/** When an `azapi_resource_action` sends its request. */
export const AZAPI_ACTION_WHENS = ["apply", "destroy"] as const;
/** When an `AzapiResourceAction` sends its request: on create and update (`apply`) or on destroy. */
export type AzapiActionWhen = (typeof AZAPI_ACTION_WHENS)[number];

/** Config of `AzapiResourceAction`: one request to an existing resource. */
export interface AzapiResourceActionConfig extends TerraformMetaArguments {
  /** ARM resource type with API version, e.g. `Microsoft.App/containerApps@2025-01-01`. */
  readonly type: string;
  /** Id of the existing resource the request goes to. */
  readonly resourceId: string;
  /**
   * The action's name, appended to the resource id (e.g. `listSecrets`).
   * @default - none: the request goes to the resource itself
   */
  readonly action?: string;
  /** @default "POST" */
  readonly method?: AzapiActionMethod;
  /** The request body, with the ARM property names exactly as the REST API spells them. @default - no body */
  readonly body?: AzapiBody;
  /**
   * `apply` sends the request when the resource is created (and again when its arguments change);
   * `destroy` sends it only when the resource is destroyed, e.g. to undo something before what it depends
   * on is deleted.
   * @default "apply"
   */
  readonly when?: AzapiActionWhen;
}

/**
 * `azapi_resource_action`: one ARM request to an existing resource. With `method: "PATCH"` and a body that
 * holds only the properties to change, it is a JSON Merge Patch: everything else, secrets included, stays as
 * it is on the resource (unlike `AzapiUpdateResource`, which writes the whole resource back).
 */
export class AzapiResourceAction extends TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = "azapi_resource_action";

  private readonly config: AzapiResourceActionConfig;

  constructor(scope: Construct, id: string, config: AzapiResourceActionConfig) {
    super(scope, id, azapiResourceConfig("azapi_resource_action", config));
    checkAzapiType(this, config.type);
    checkOneOf(this, "method", config.method, AZAPI_ACTION_METHODS, '"');
    checkOneOf(this, "when", config.when, AZAPI_ACTION_WHENS, '"');
    this.config = config;
  }

  /** The Terraform id of the action. */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {
      type: this.config.type,
      resource_id: this.config.resourceId,
      action: this.config.action,
      method: this.config.method,
      body: this.config.body,
      when: this.config.when,
    };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    const attr = (value: unknown, type: string, storageClassType: string) => ({
      value,
      isBlock: false,
      type,
      storageClassType,
    });
    const attrs = {
      type: attr(this.config.type, "simple", "string"),
      resource_id: attr(this.config.resourceId, "simple", "string"),
      action: attr(this.config.action, "simple", "string"),
      method: attr(this.config.method, "simple", "string"),
      body: attr(this.config.body, "any", ""),
      when: attr(this.config.when, "simple", "string"),
    };
    return Object.fromEntries(Object.entries(attrs).filter(([, a]) => a.value !== undefined));
  }
}
