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
  | { readonly source: "existing"; readonly imageReference: string };

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
  readonly image: ImageSource;
  readonly registrySku: "Basic" | "Standard" | "Premium";
  readonly logRetentionInDays: number;
  readonly applicationInsightsEnabled: boolean;
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
    scaling: { minReplicas: 2, maxReplicas: 20, concurrentRequests: 50 },
    corsOrigins: [],
    authMode: "entra",
    image: { source: "bundled" },
    registrySku: "Standard",
    logRetentionInDays: 90,
    applicationInsightsEnabled: true,
  },
];
