import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ContainerApp, ContainerAppSecret } from "@cdktf/provider-azurerm/lib/container-app";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { ContainerRegistry } from "./container-registry";
import { HealthProbe } from "./health-probe";
import { McpEnvironment } from "./mcp-environment";
import { McpUpstreamProps } from "./mcp-upstream";
import { RoleAssignmentProps } from "./role-assignment";
import { IServerImage } from "./server-image";
import { ValidationError } from "./validation-error";
import { assignRole } from "./private/assign-role";
import { checkContainerAppProps, MANAGED_SECRET_NAMES } from "./private/container-app-checks";
import {
  ContainerAppParts,
  renderEnvironment,
  renderIngress,
  renderSecrets,
} from "./private/container-app-render";
import { ContainerAppSettings, resolveSettings } from "./private/container-app-settings";
import { renderProbes, resolveProbes } from "./private/probes";
import { waitForRolePropagation } from "./private/role-propagation";
import { ensureStackProvider } from "./private/stack-provider";
import { checkUpstreamProps, resolveUpstreamProps, upstreamParts } from "./private/upstream-parts";
import { OAUTH_FRONT_CALLBACK_PATH } from "../server/contract";

/** The `authMode` values. */
export const MCP_AUTH_MODES = ["entra", "apikey", "none"] as const;
/** How the server authenticates callers (`AUTH_MODE`): Entra ID tokens, API keys, or nobody (trials only). */
export type McpAuthMode = (typeof MCP_AUTH_MODES)[number];
/** The `sessionMode` values. */
export const MCP_SESSION_MODES = ["stateless", "stateful"] as const;
/**
 * `MCP_SESSION_MODE`: any replica answers any request (`stateless`), or 2025-era sessions live on one replica
 * (`stateful`).
 */
export type McpSessionMode = (typeof MCP_SESSION_MODES)[number];

/**
 * A secret held in Key Vault, read by the app's identity (which needs `Key Vault Secrets User` on it).
 * There is deliberately no `value` field: a plain secret would land in the Terraform state and the app's
 * configuration; one passed anyway (from JavaScript or a cast) is refused.
 */
export interface KeyVaultSecretReference {
  /** The versionless or versioned secret id, e.g. `https://<vault>.vault.azure.net/secrets/<name>`. */
  readonly keyVaultSecretId: string;
}

/** Props of `McpContainerApp`. */
export interface McpContainerAppProps {
  /** Resource group of the identity and the container app. */
  readonly resourceGroupName: string;
  /** Azure region of the identity; the app itself runs in the environment's region. */
  readonly location: string;
  /** The Container Apps environment the app runs in. */
  readonly environment: McpEnvironment;
  /** Container app name: 2 to 32 lowercase letters, digits and single hyphens, starting with a letter. */
  readonly name: string;
  /** `new BundledServerImage(...)` or `ServerImage.fromReference(...)`. */
  readonly image: IServerImage;
  /**
   * The registry the image is pulled from with the app identity, which gets `AcrPull` on it before the
   * app is created.
   * @default - no registry credentials: the image must be public
   */
  readonly registry?: ContainerRegistry;
  /**
   * The user-assigned identity the app runs as: registry pulls, Key Vault secrets, `AZURE_CLIENT_ID`.
   * @default - a user-assigned identity `id-<name>` is created
   */
  readonly identity?: UserAssignedIdentity;
  /** How the server authenticates callers (`AUTH_MODE`). `none` is for trials only and is flagged by `McpPolicyChecks`. */
  readonly authMode: McpAuthMode;
  /**
   * Entra tenant id (`AZURE_TENANT_ID`).
   * @default - none; required when authMode is `entra`
   */
  readonly entraTenantId?: string;
  /**
   * Accepted token audiences, e.g. the identifier URI and the client id (`MCP_AUDIENCE`).
   * @default - none; required when authMode is `entra`
   */
  readonly entraAudiences?: readonly string[];
  /**
   * vCPUs; with `memory`, one of the Consumption pairs 0.25/0.5Gi, 0.5/1Gi ... 4/8Gi.
   * @default 0.5
   */
  readonly cpu?: number;
  /** @default "1Gi" */
  readonly memory?: string;
  /**
   * At least one replica stays warm, so the first call after a quiet hour has no cold start.
   * @default 1
   */
  readonly minReplicas?: number;
  /** @default 10 */
  readonly maxReplicas?: number;
  /**
   * The workload profile the app runs on, in a workload-profiles environment (`Consumption` for its
   * consumption profile). Set it there: Azure fills it in otherwise, and every plan shows a change.
   * @default - none (a Consumption-only environment has no profiles)
   */
  readonly workloadProfileName?: string;
  /**
   * Concurrent requests per replica before the HTTP scale rule adds one.
   * @default 50
   */
  readonly concurrentRequests?: number;
  /** @default 8000 */
  readonly targetPort?: number;
  /**
   * Extra plain environment variables. Names that look like credentials (`*_KEY`, `*SECRET*`, `*TOKEN*`,
   * ...) and the variables this construct sets itself are refused.
   * @default {}
   */
  readonly environmentVariables?: Readonly<Record<string, string>>;
  /**
   * Container App secrets by name (lowercase letters, digits, `-`), each a Key Vault reference.
   * @default {}
   */
  readonly secrets?: Readonly<Record<string, KeyVaultSecretReference>>;
  /**
   * Environment variables filled from secrets: variable name to secret name (a `secretRef`), e.g.
   * `{ MCP_API_KEYS: "mcp-api-keys" }`.
   * @default {}
   */
  readonly secretEnvironmentVariables?: Readonly<Record<string, string>>;
  /**
   * The server's `MCP_REQUEST_STATE_KEY` (HMAC key of multi round-trip `requestState`, at least 32 bytes),
   * shared by every replica, from Key Vault. The app identity needs `Key Vault Secrets User` on it.
   * @default - a random 64-character key generated by Terraform (`random_password`, with the stack's
   * `RandomProvider`, added when missing): it lives in the Terraform state and the app's secret, never in the
   * synthesized JSON
   */
  readonly requestStateKey?: KeyVaultSecretReference;
  /**
   * Serve the authorization front (`MCP_OAUTH_FRONT=on`): the server becomes the OAuth authorization server
   * MCP clients register with (CIMD or DCR) and sign in through, and signs users in at Entra ID itself, as
   * the confidential client `oauthFrontClientId`, authenticated by this app's managed identity
   * (`AZURE_CLIENT_ID`). Needs `authMode: "entra"`. Register `oauthFrontRedirectUri` and the identity on that
   * client, e.g. `McpEntraApp.addOauthFront({ redirectUri: app.oauthFrontRedirectUri, identity: app.identity })`.
   * @default false
   */
  readonly oauthFrontEnabled?: boolean;
  /**
   * Client id of the Entra registration the front signs users in with (`MCP_OAUTH_FRONT_CLIENT_ID`), e.g.
   * `McpEntraApp.clientId`.
   * @default - none; required when oauthFrontEnabled
   */
  readonly oauthFrontClientId?: string;
  /**
   * The server's `MCP_OAUTH_FRONT_KEY` (signs and encrypts the front's codes and tokens), shared by every
   * replica, from Key Vault. The app identity needs `Key Vault Secrets User` on it.
   * @default - with oauthFrontEnabled, a random 64-character key generated by Terraform (`random_password`):
   * it lives in the Terraform state and the app's secret, never in the synthesized JSON
   */
  readonly oauthFrontKey?: KeyVaultSecretReference;
  /** @default - `/healthz`, every 10 s, 5 s timeout, 3 failures */
  readonly livenessProbe?: HealthProbe;
  /** @default - `/readyz`, every 5 s, 3 s timeout, 3 failures */
  readonly readinessProbe?: HealthProbe;
  /** @default - `/healthz`, every 3 s, 3 s timeout, 20 failures (60 s to start) */
  readonly startupProbe?: HealthProbe;
  /**
   * Browser origins allowed by CORS, e.g. `https://vscode.dev`. `["*"]` allows any origin and only when
   * asked for explicitly; it cannot be combined with credentials.
   * @default - no CORS policy: browsers on other origins cannot call the server
   */
  readonly corsAllowedOrigins?: readonly string[];
  /** @default false */
  readonly corsAllowCredentialsEnabled?: boolean;
  /**
   * Only these IPv4 ranges (CIDR) may connect; the key names the rule.
   * @default - every address may connect
   */
  readonly allowedIpAddressRanges?: Readonly<Record<string, string>>;
  /**
   * `stateless` serves both protocol eras on any number of replicas: 2026-07-28 requests (stateless by
   * design) and 2025-era requests (each answered on its own, without `Mcp-Session-Id`). `stateful` keeps
   * 2025-era sessions (GET stream, DELETE, resumability) in one replica's memory for 2025 clients that need
   * them; 2026-07-28 requests stay stateless. azurerm 4.55 cannot configure session affinity (`sticky_sessions`
   * is missing from its `container_app` ingress), so `stateful` requires `maxReplicas: 1`.
   * See docs/protocol-versions.md.
   * @default "stateless"
   */
  readonly sessionMode?: McpSessionMode;
  /**
   * Serve legacy HTTP+SSE at `/sse` + `/messages` (`MCP_LEGACY_SSE`). It is stateful (a POST must reach the
   * replica holding the stream), so it is allowed only with `maxReplicas: 1`.
   * @default - true when maxReplicas is 1, otherwise false
   */
  readonly legacySseEnabled?: boolean;
  /**
   * Roles for the app identity, keyed by a stable name (the key becomes the Terraform address), as in
   * Azure Verified Modules' `role_assignments` minus `principal_id`: the principal is always the app identity.
   * @default {}
   */
  readonly roleAssignments?: Readonly<Record<string, RoleAssignmentProps>>;
  /**
   * The custom hostname clients use (bound by `McpCustomDomain`): it becomes the public URL
   * (`MCP_PUBLIC_URL`, `url`) and joins the default FQDN in `MCP_ALLOWED_HOSTS`.
   * @default - the environment's `<name>.<defaultDomain>` only
   */
  readonly customDomainHostName?: string;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Front mode: the bundled server in `image` stands in front of another MCP server (a second container,
   * or a stdio command) and keeps auth, metadata, limits, logs and drain; ingress goes to the front.
   * @default - none: the server in `image` serves its own tools
   */
  readonly upstream?: McpUpstreamProps;
}

export { OAUTH_FRONT_CALLBACK_PATH };

/**
 * The MCP server on Azure Container Apps: a user-assigned identity granted `AcrPull` before the app
 * exists, external HTTPS-only ingress with MCP-aware CORS, health probes, an HTTP scale rule, secrets only
 * by reference, and the server's environment wired from the other constructs.
 */
export class McpContainerApp extends Construct {
  /** The container app (`Resource`); its `id` is the parent of an Easy Auth `authConfigs` resource. */
  public readonly resource: ContainerApp;
  /** The user-assigned identity the app runs as (`Identity`): it pulls the image and calls Azure. */
  public readonly identity: UserAssignedIdentity;
  /** The `AcrPull` assignment the app waits for; undefined without a registry. */
  public readonly acrPullAssignment?: RoleAssignment;
  /** The wait for `AcrPull` to propagate (`AcrPullPropagation`, create only) the app depends on. */
  public readonly acrPullPropagation?: Sleep;
  /** The generated `MCP_REQUEST_STATE_KEY` (`RequestStateKey`); undefined when `requestStateKey` is given. */
  public readonly requestStateKey?: Password;
  /** Whether the server serves the authorization front (`MCP_OAUTH_FRONT=on`). */
  public readonly oauthFrontEnabled: boolean;
  /** The generated `MCP_OAUTH_FRONT_KEY` (`OauthFrontKey`); undefined without the front or with `oauthFrontKey`. */
  public readonly oauthFrontKey?: Password;
  /** `<url>/oauth/callback`: the redirect URI the front's Entra client must register (web platform). */
  public readonly oauthFrontRedirectUri: string;
  /** The container app's name. */
  public readonly name: string;
  /** The container app's Azure resource id. */
  public readonly containerAppId: string;
  /** `<name>.<environment default domain>`, known before the app exists (no dependency cycle). */
  public readonly fqdn: string;
  /** `https://<customDomainHostName>` when given, else `https://<fqdn>`. */
  public readonly url: string;
  /** The most replicas the scale rule may run. */
  public readonly maxReplicas: number;
  /** Whether the server serves legacy HTTP+SSE at `/sse` + `/messages`. */
  public readonly legacySseEnabled: boolean;
  private readonly roleAssignmentScope: Construct;

  constructor(scope: Construct, id: string, props: McpContainerAppProps) {
    super(scope, id);
    const settings = resolveSettings(props);
    checkContainerAppProps(this, props, settings);
    const upstream = props.upstream && resolveUpstreamProps(this, props.upstream);
    if (upstream) checkUpstreamProps(this, upstream, { ...settings, port: settings.targetPort });
    const probes = resolveProbes(this, props);

    this.name = props.name;
    this.maxReplicas = settings.maxReplicas;
    this.legacySseEnabled = settings.legacySseEnabled;
    this.fqdn = `${props.name}.${props.environment.defaultDomain}`;
    this.url = `https://${props.customDomainHostName ?? this.fqdn}`;
    this.oauthFrontEnabled = settings.oauthFrontEnabled;
    this.oauthFrontRedirectUri = `${this.url}${OAUTH_FRONT_CALLBACK_PATH}`;
    this.identity =
      props.identity ??
      new UserAssignedIdentity(this, "Identity", {
        name: `id-${props.name}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags: { ...props.tags },
      });
    this.acrPullAssignment = props.registry?.grantPull(this.identity);
    this.acrPullPropagation =
      this.acrPullAssignment && waitForRolePropagation(this, "AcrPullPropagation", this.acrPullAssignment);
    this.roleAssignmentScope = new Construct(this, "RoleAssignments");
    for (const [key, assignment] of Object.entries(props.roleAssignments ?? {})) {
      assignRole(this.roleAssignmentScope, key, this.identity.principalId, assignment);
    }

    const requestStateKey = this.sharedKey("requestStateKey", "RequestStateKey", props.requestStateKey);
    this.requestStateKey = requestStateKey.password;
    const oauthFrontKey = settings.oauthFrontEnabled
      ? this.sharedKey("oauthFrontKey", "OauthFrontKey", props.oauthFrontKey)
      : undefined;
    this.oauthFrontKey = oauthFrontKey?.password;
    const parts: ContainerAppParts = {
      identityId: this.identity.id,
      identityClientId: this.identity.clientId,
      url: this.url,
      fqdn: this.fqdn,
      requestStateKeySecret: requestStateKey.secret,
      oauthFrontKeySecret: oauthFrontKey?.secret,
      upstream: upstream && upstreamParts(this, upstream, this.identity.id),
    };
    this.resource = this.renderApp(
      props,
      settings,
      parts,
      renderProbes(probes, settings.targetPort, {
        liveness: probes.liveness.path,
        readiness: probes.readiness.path,
        startup: probes.startup.path,
      }),
    );
    this.containerAppId = this.resource.id;
  }

  /**
   * Grants the app identity a role on a scope. `key` names the assignment (its Terraform address);
   * pass one when granting the same role twice.
   * @param key @default - the role name, or the last segment (GUID) of a role definition id
   */
  public grant(
    roleDefinitionIdOrName: string,
    scope: string,
    key: string = roleDefinitionIdOrName.split("/").pop() ?? roleDefinitionIdOrName,
  ): RoleAssignment {
    if (this.roleAssignmentScope.node.tryFindChild(key)) {
      throw new ValidationError(
        `grant: a role assignment keyed '${key}' exists already; pass a distinct key`,
        this,
      );
    }
    return assignRole(this.roleAssignmentScope, key, this.identity.principalId, {
      roleDefinitionIdOrName,
      scope,
    });
  }

  /**
   * A key every replica shares, as a Container App secret: the Key Vault `reference` when given, else a
   * random 64-character password generated by Terraform (in the state and the app's secret, never in the JSON).
   */
  private sharedKey(
    secret: "requestStateKey" | "oauthFrontKey",
    passwordId: string,
    reference?: KeyVaultSecretReference,
  ): { secret: ContainerAppSecret; password?: Password } {
    const name = MANAGED_SECRET_NAMES[secret];
    if (reference) {
      return { secret: { name, keyVaultSecretId: reference.keyVaultSecretId, identity: this.identity.id } };
    }
    ensureStackProvider(this, "random", (stack) => new RandomProvider(stack, "random"));
    const password = new Password(this, passwordId, { length: 64, special: false });
    return { secret: { name, value: password.result }, password };
  }

  private renderApp(
    props: McpContainerAppProps,
    settings: ContainerAppSettings,
    parts: ContainerAppParts,
    probeBlocks: ReturnType<typeof renderProbes>,
  ): ContainerApp {
    const dependsOn: ITerraformDependable[] = [
      ...(this.acrPullPropagation ? [this.acrPullPropagation] : []),
      ...props.image.dependables,
      ...(props.upstream?.image?.dependables ?? []),
    ];
    return new ContainerApp(this, "Resource", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      containerAppEnvironmentId: props.environment.environmentId,
      workloadProfileName: props.workloadProfileName,
      revisionMode: "Single",
      tags: { ...props.tags },
      identity: { type: "UserAssigned", identityIds: [this.identity.id] },
      registry: props.registry
        ? [{ server: props.registry.loginServer, identity: this.identity.id }]
        : undefined,
      secret: renderSecrets(props, settings, parts),
      ingress: renderIngress(settings),
      template: {
        minReplicas: settings.minReplicas,
        maxReplicas: settings.maxReplicas,
        terminationGracePeriodSeconds: 30,
        httpScaleRule: [
          { name: "http-concurrency", concurrentRequests: String(settings.concurrentRequests) },
        ],
        container: [
          {
            name: "mcp-server",
            image: props.image.imageReference,
            cpu: settings.cpu,
            memory: settings.memory,
            env: renderEnvironment(props, settings, parts),
            ...probeBlocks,
          },
          ...(parts.upstream?.container ? [parts.upstream.container] : []),
        ],
      },
      dependsOn,
    });
  }
}
