import { ImageBuilder } from "../constructs/bundled-server-image";
import { EasyAuthUnauthenticatedAction } from "../constructs/mcp-easy-auth";

/** How the stack gets its server image. */
export type ImageSource =
  /**
   * Build the bundled server, tagged by a content hash (laptop deploys): with `az acr build` (`acr`, the
   * default) or, where ACR Tasks are blocked (`TasksOperationsNotAllowed`), with local Docker (`docker`).
   * `MCP_IMAGE_BUILD` overrides `build` for one run.
   */
  | { readonly source: "bundled"; readonly build?: ImageBuilder }
  /** Run an image a pipeline built elsewhere; it needs an explicit tag or digest. */
  | { readonly source: "existing"; readonly imageReference: string }
  /**
   * Run `<this stack's registry>/mcp-server@<digest>`: the pipeline built (dev) or copied (prod) that digest
   * into the registry before applying.
   */
  | { readonly source: "registry"; readonly digest: string };

/** The environment's own virtual network; without one Azure manages the network (the cheapest). */
export interface NetworkConfig {
  /** Address space of the new virtual network, e.g. `10.40.0.0/16`. */
  readonly virtualNetworkAddressSpace: string;
  /** The Container Apps infrastructure subnet inside it: /27 or larger (the environment uses workload profiles). */
  readonly infrastructureSubnetAddressPrefix: string;
  /** Spread replicas over availability zones (the region must have them). */
  readonly zoneRedundancyEnabled: boolean;
  /** Serve the app only on a private IP in the virtual network (no availability test then). */
  readonly internalLoadBalancerEnabled: boolean;
}

/** A webhook the action group calls (common alert schema). */
export interface AlertWebhookReceiver {
  readonly name: string;
  /**
   * An https URL with no credentials in it (no user info, no query string): it is stored in the Terraform
   * JSON and state. Use an endpoint that authenticates otherwise (e.g. an Entra-protected Logic App).
   */
  readonly serviceUri: string;
}

/** Alerts, availability test and diagnostic settings; the workbook is always there (it is free). */
export interface MonitoringConfig {
  /** Log and metric alerts to an action group (docs/operations.md lists them and their thresholds). */
  readonly alertsEnabled: boolean;
  /** Who the action group mails; empty: the group exists with no receivers, alerts show in the portal only. */
  readonly alertEmailReceivers: readonly string[];
  /** @default [] */
  readonly alertWebhookReceivers?: readonly AlertWebhookReceiver[];
  /**
   * Refuse to deploy (Terraform refuses to plan) while the action group would have no receiver.
   * @default false
   */
  readonly alertReceiversRequired?: boolean;
  /** Standard web test on `/healthz` from three locations, with an alert; needs Application Insights. */
  readonly availabilityTestEnabled: boolean;
  /** Registry login/repository events and environment metrics to the workspace. */
  readonly diagnosticSettingsEnabled: boolean;
}

/** One deployable environment, checked into the repository. */
export interface EnvironmentConfig {
  /** Stack name, e.g. `mcp-dev`. */
  readonly stackName: string;
  /** Short environment name used in resource names, e.g. `dev`. */
  readonly name: string;
  /** Azure region; always explicit, never defaulted by a construct. */
  readonly location: string;
  /** Prefix for every resource name. */
  readonly prefix: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly scaling: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    /** Concurrent requests per replica before another is added. */
    readonly concurrentRequests: number;
  };
  /** Browser origins allowed by CORS; empty for none. */
  readonly corsOrigins: readonly string[];
  /** `entra` (bearer tokens from the tenant) or `apikey` (keys from Key Vault). */
  readonly authMode: "entra" | "apikey";
  /** apikey mode: the Key Vault secret holding the comma-separated keys; the app identity must be able to read it. */
  readonly apiKeysKeyVaultSecretId?: string;
  /**
   * entra mode: object ids of the users or service principals (not groups) that own the Entra registrations,
   * next to `MCP_DEPLOYER_PRINCIPAL_ID`. Add yours to manage the registrations without a directory role;
   * an owner not listed here is removed on the next apply.
   * @default - none: only the deployer (when set) owns them
   */
  readonly entraOwnerObjectIds?: readonly string[];
  /**
   * entra mode: `AllowAnonymous` lets requests without a token reach the server, whose 401 names its
   * protected resource metadata (how MCP clients find sign-in); `Return401` stops them at Easy Auth, whose
   * 401 cannot name it, so clients must fall back to the well-known metadata URIs.
   * @default "AllowAnonymous"
   */
  readonly easyAuthUnauthenticatedClientAction?: EasyAuthUnauthenticatedAction;
  /**
   * entra mode: only principals assigned to the server API get tokens for it
   * (`app_role_assignment_required`); the groups below are assigned (their members call with delegated
   * tokens), and the deployer keeps its Mcp.Invoke assignment for the smoke test. With no group, Terraform
   * refuses to plan: nobody but the deployer could call the server.
   * @default false - every user of the tenant, guests included, can get a token for the API
   */
  readonly entraAppRoleAssignmentRequired?: boolean;
  /** entra mode: object ids of the Entra groups whose members may call the server. @default [] */
  readonly entraCallerGroupObjectIds?: readonly string[];
  /**
   * The environment whose registry this one copies tested images from (the deploy workflow promotes dev's
   * digest to prod); its deployer may pull from that environment's resource group.
   * @default - none: the pipeline builds into this environment's registry
   */
  readonly promotesFrom?: string;
  /**
   * entra mode: the server's authorization front (`MCP_OAUTH_FRONT=on`), so MCP clients that register
   * themselves (Claude, ChatGPT, Cursor, the SDKs) sign in too; VS Code and `az` tokens keep working. The
   * server API registration becomes the front's Entra client, authenticated by the app's managed identity (no
   * secret). Easy Auth is left out then: it would refuse the front's tokens. See docs/connect-clients.md.
   * @default false
   */
  readonly oauthFrontEnabled?: boolean;
  readonly image: ImageSource;
  readonly registrySku: "Basic" | "Standard" | "Premium";
  readonly logRetentionInDays: number;
  readonly applicationInsightsEnabled: boolean;
  /** @default - Azure-managed network, no zone redundancy, Consumption-only environment */
  readonly network?: NetworkConfig;
  /** @default - the workbook only: no alerts, no availability test, no diagnostic settings */
  readonly monitoring?: MonitoringConfig;
  /**
   * A custom hostname (e.g. `mcp.example.com`) with a free managed certificate; its DNS must be set up
   * first (docs/operations.md).
   * @default - only the environment's `<app>.<defaultDomain>`
   */
  readonly customDomainHostName?: string;
}

/** The resource group an environment deploys into (created by mcp-bootstrap for the pipeline). */
export function resourceGroupNameOf(config: Pick<EnvironmentConfig, "prefix" | "name">): string {
  return `rg-${config.prefix}-${config.name}`;
}

export const environments: readonly EnvironmentConfig[] = [
  {
    stackName: "mcp-dev",
    name: "dev",
    location: "swedencentral",
    prefix: "mcp",
    tags: { project: "cdktf-azure-mcp", environment: "dev" },
    // One replica keeps legacy SSE and stateful sessions usable while trying clients out.
    scaling: { minReplicas: 1, maxReplicas: 1, concurrentRequests: 50 },
    // The MCP Inspector's default local address.
    corsOrigins: ["http://localhost:6274"],
    authMode: "entra",
    // Every client in docs/connect-clients.md signs in, not only VS Code and the Azure CLI.
    oauthFrontEnabled: true,
    image: { source: "bundled" },
    registrySku: "Basic",
    logRetentionInDays: 30,
    applicationInsightsEnabled: true,
  },
  {
    stackName: "mcp-prod",
    name: "prod",
    location: "westeurope",
    prefix: "mcp",
    tags: { project: "cdktf-azure-mcp", environment: "prod" },
    // One replica per availability zone (the environment is zone redundant).
    scaling: { minReplicas: 3, maxReplicas: 20, concurrentRequests: 50 },
    corsOrigins: [],
    authMode: "entra",
    image: { source: "bundled" },
    registrySku: "Standard",
    // Name the Entra group whose members may call prod here, e.g. the object id of "mcp-prod-callers";
    // Terraform refuses to plan mcp-prod until there is one.
    entraAppRoleAssignmentRequired: true,
    entraCallerGroupObjectIds: [],
    promotesFrom: "dev",
    logRetentionInDays: 90,
    applicationInsightsEnabled: true,
    network: {
      virtualNetworkAddressSpace: "10.40.0.0/16",
      infrastructureSubnetAddressPrefix: "10.40.0.0/23",
      zoneRedundancyEnabled: true,
      internalLoadBalancerEnabled: false,
    },
    monitoring: {
      alertsEnabled: true,
      // Add the on-call addresses (or webhooks) here: Terraform refuses to plan mcp-prod without one.
      alertEmailReceivers: [],
      alertWebhookReceivers: [],
      alertReceiversRequired: true,
      availabilityTestEnabled: true,
      diagnosticSettingsEnabled: true,
    },
  },
];
