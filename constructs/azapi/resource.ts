import { IResolvable, TerraformMetaArguments, TerraformResource, Token } from "cdktf";
import { Construct } from "constructs";
import { ValidationError } from "../validation-error";
import { AZAPI_VERSION_CONSTRAINT } from "./provider";

/** A JSON value as ARM accepts it in a request body. Strings may hold Terraform references (tokens). */
export type AzapiJson =
  string | number | boolean | null | readonly AzapiJson[] | { readonly [key: string]: AzapiJson };

/** A request body: the ARM resource's own property names, camelCase, exactly as the REST API spells them. */
export type AzapiBody = { readonly [key: string]: AzapiJson };

/** Config of `AzapiResource`: one ARM resource created and owned by Terraform through azapi. */
export interface AzapiResourceConfig extends TerraformMetaArguments {
  /** ARM resource type with API version, e.g. `Microsoft.App/containerApps/authConfigs@2025-01-01`. */
  readonly type: string;
  /** Resource name, e.g. `current`. */
  readonly name: string;
  /** Resource id of the parent: a resource group, or the parent resource for a child resource type. */
  readonly parentId: string;
  /**
   * Request body. Passed to Terraform as an object with its keys untouched (azapi 2.x takes an HCL object).
   * @default - no body
   */
  readonly body?: AzapiBody;
  /** Azure region, for tracked (top-level) resources. @default - none (proxy and child resources have none) */
  readonly location?: string;
  /** Check `body` against azapi's embedded ARM types at plan time. @default true (the provider's default) */
  readonly schemaValidationEnabled?: boolean;
  /** Paths of the response to export in the `output` attribute, e.g. `["properties.fqdn"]`. @default - none */
  readonly responseExportValues?: string[];
  /** Ignore properties the API does not return when comparing state. @default true (the provider's default) */
  readonly ignoreMissingProperty?: boolean;
}

const TYPE_PATTERN = /^[A-Za-z0-9.]+\/[A-Za-z0-9./]+@\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Throws unless `type` looks like `<Namespace>/<resourceType>@<api-version>` (tokens pass). */
export function checkAzapiType(scope: Construct, type: string): void {
  if (!Token.isUnresolved(type) && !TYPE_PATTERN.test(type)) {
    throw new ValidationError(
      `type must look like <Namespace>/<resourceType>@<api-version>, e.g. ` +
        `"Microsoft.App/containerApps/authConfigs@2025-01-01" (got "${type}")`,
      scope,
    );
  }
}

/** The `TerraformResource` settings of an azapi resource type: its provider and the meta-arguments. */
export function azapiResourceConfig(terraformResourceType: string, config: TerraformMetaArguments) {
  return {
    terraformResourceType,
    terraformGeneratorMetadata: {
      providerName: "azapi",
      providerVersionConstraint: AZAPI_VERSION_CONSTRAINT,
    },
    provider: config.provider,
    dependsOn: config.dependsOn,
    count: config.count,
    lifecycle: config.lifecycle,
    provisioners: config.provisioners,
    connection: config.connection,
    forEach: config.forEach,
  };
}

/** `azapi_resource`: any ARM resource by type, name, parent and body. */
export class AzapiResource extends TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = "azapi_resource";

  private readonly config: AzapiResourceConfig;

  constructor(scope: Construct, id: string, config: AzapiResourceConfig) {
    super(scope, id, azapiResourceConfig("azapi_resource", config));
    checkAzapiType(this, config.type);
    this.config = config;
  }

  /** The ARM resource id. */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  /** The exported response (see `responseExportValues`), an object. */
  public get output(): IResolvable {
    return this.interpolationForAttribute("output");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    // Generated bindings convert each attribute themselves; cdktf does not snake_case resource attributes,
    // so `body` reaches the JSON with the ARM property names exactly as given.
    return {
      type: this.config.type,
      name: this.config.name,
      parent_id: this.config.parentId,
      body: this.config.body,
      location: this.config.location,
      schema_validation_enabled: this.config.schemaValidationEnabled,
      response_export_values: this.config.responseExportValues,
      ignore_missing_property: this.config.ignoreMissingProperty,
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
      name: attr(this.config.name, "simple", "string"),
      parent_id: attr(this.config.parentId, "simple", "string"),
      body: attr(this.config.body, "any", ""),
      location: attr(this.config.location, "simple", "string"),
      schema_validation_enabled: attr(this.config.schemaValidationEnabled, "simple", "boolean"),
      response_export_values: attr(this.config.responseExportValues, "list", "stringList"),
      ignore_missing_property: attr(this.config.ignoreMissingProperty, "simple", "boolean"),
    };
    return Object.fromEntries(Object.entries(attrs).filter(([, a]) => a.value !== undefined));
  }
}
