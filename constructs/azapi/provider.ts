import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/**
 * The one `azure/azapi` release the stacks run (2.12.0, August 2026). Exact, not a range: azapi checks
 * request bodies against API types embedded in each release, so a new release can start rejecting (or
 * accepting) a body without any change here. Major 2 is required anyway (since 2.0 `body` is an HCL object,
 * which this binding synthesizes). Update it together with the lock files (provider-locks workflow).
 */
export const AZAPI_VERSION_CONSTRAINT = "2.12.0";

/** Configuration of the `azure/azapi` provider block; every field is optional. */
export interface AzapiProviderConfig {
  /** Alias, for a second provider configuration in the same stack. @default - the default configuration */
  readonly alias?: string;
  /** Subscription to work in. @default - from `ARM_SUBSCRIPTION_ID` or the Azure CLI */
  readonly subscriptionId?: string;
  /** Tenant to authenticate against. @default - from `ARM_TENANT_ID` or the Azure CLI */
  readonly tenantId?: string;
  /** Client id of the identity Terraform runs as. @default - from `ARM_CLIENT_ID` or the Azure CLI */
  readonly clientId?: string;
  /** Authenticate with the Azure CLI. @default true (the provider's own default) */
  readonly useCli?: boolean;
  /** Authenticate with a managed identity. @default false */
  readonly useMsi?: boolean;
  /** Authenticate with OpenID Connect (GitHub Actions federated credentials). @default false */
  readonly useOidc?: boolean;
}

/** The `azure/azapi` Terraform provider: ARM resources that azurerm does not cover. */
export class AzapiProvider extends TerraformProvider {
  /** The provider's Terraform name. */
  public static readonly tfResourceType = "azapi";

  private readonly config: AzapiProviderConfig;

  constructor(scope: Construct, id: string, config: AzapiProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: "azapi",
      // The constraint is the exact version (see AZAPI_VERSION_CONSTRAINT).
      terraformGeneratorMetadata: {
        providerName: "azapi",
        providerVersionConstraint: AZAPI_VERSION_CONSTRAINT,
      },
      terraformProviderSource: "azure/azapi",
    });
    this.config = config;
  }

  /** The alias of this provider configuration, if any. */
  public get alias(): string | undefined {
    return this.config?.alias;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {
      alias: this.config.alias,
      subscription_id: this.config.subscriptionId,
      tenant_id: this.config.tenantId,
      client_id: this.config.clientId,
      use_cli: this.config.useCli,
      use_msi: this.config.useMsi,
      use_oidc: this.config.useOidc,
    };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    const simple = (value: unknown, storageClassType: string) => ({
      value,
      isBlock: false,
      type: "simple",
      storageClassType,
    });
    const attrs = {
      alias: simple(this.config.alias, "string"),
      subscription_id: simple(this.config.subscriptionId, "string"),
      tenant_id: simple(this.config.tenantId, "string"),
      client_id: simple(this.config.clientId, "string"),
      use_cli: simple(this.config.useCli, "boolean"),
      use_msi: simple(this.config.useMsi, "boolean"),
      use_oidc: simple(this.config.useOidc, "boolean"),
    };
    return Object.fromEntries(Object.entries(attrs).filter(([, attr]) => attr.value !== undefined));
  }
}
