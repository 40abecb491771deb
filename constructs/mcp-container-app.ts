import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import {
  ContainerApp,
  ContainerAppIngressCors,
  ContainerAppIngressIpSecurityRestriction,
  ContainerAppSecret,
  ContainerAppTemplateContainerEnv,
} from "@cdktf/provider-azurerm/lib/container-app";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { ContainerRegistry } from "./container-registry";
import { HealthProbe } from "./health-probe";
import { PROBE_DEFAULTS, resolveProbe } from "./private/probes";
import { ensureStackProvider } from "./private/stack-provider";
import { McpEnvironment } from "./mcp-environment";
import { assignRole } from "./private/assign-role";
import { waitForRolePropagation } from "./private/role-propagation";
import { RoleAssignmentProps } from "./role-assignment";
import { HOSTNAME_PATTERN } from "./private/hostname";
import { GUID_PATTERN } from "./private/stable-ids";
import { looksSecret } from "./private/secret-names";
import { McpUpstreamProps } from "./mcp-upstream";
import { upstreamParts } from "./private/upstream-parts";
import { IServerImage } from "./server-image";
import { ValidationError } from "./validation-error";
import { checkResources, type Fail } from "./private/resources";
import {
  CORS_ALLOWED_HEADERS,
  CORS_EXPOSED_HEADERS,
  MANAGED_SERVER_VARIABLES,
  OAUTH_FRONT_CALLBACK_PATH,
} from "../server/contract";

export type McpAuthMode = "entra" | "apikey" | "none";
export type McpSessionMode = "stateless" | "stateful";

/**
 * A secret held in Key Vault, read by the app's identity (which needs `Key Vault Secrets User` on it).
 * There is deliberately no `value` field: a plain secret would land in the Terraform state and the app's
 * configuration; one passed anyway (from JavaScript or a cast) is refused.
 */
export interface KeyVaultSecretReference {
  /** The versionless or versioned secret id, e.g. `https://<vault>.vault.azure.net/secrets/<name>`. */
  readonly keyVaultSecretId: string;
}

export interface McpContainerAppProps {
  readonly resourceGroupName: string;
  /** Azure region of the identity; the app itself runs in the environment's region. */
  readonly location: string;
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

const APP_INSIGHTS_SECRET = "appinsights-connection-string";
const REQUEST_STATE_SECRET = "mcp-request-state-key";
const OAUTH_FRONT_KEY_SECRET = "mcp-oauth-front-key";
/** Secret names the construct sets itself. */
const MANAGED_SECRETS = [APP_INSIGHTS_SECRET, REQUEST_STATE_SECRET, OAUTH_FRONT_KEY_SECRET];
export { OAUTH_FRONT_CALLBACK_PATH };
const CORS_METHODS = ["GET", "POST", "DELETE", "OPTIONS"];
/** Set by the construct from its props; refused in `environmentVariables` and `secretEnvironmentVariables`. */
const MANAGED_VARIABLES: readonly string[] = MANAGED_SERVER_VARIABLES;

/**
 * The MCP server on Azure Container Apps: a user-assigned identity granted `AcrPull` before the app
 * exists, external HTTPS-only ingress with MCP-aware CORS, health probes, an HTTP scale rule, secrets only
 * by reference, and the server's environment wired from the other constructs.
 */
export class McpContainerApp extends Construct {
  /** The container app (`Resource`); its `id` is the parent of an Easy Auth `authConfigs` resource. */
  public readonly resource: ContainerApp;
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
  public readonly name: string;
  public readonly containerAppId: string;
  /** `<name>.<environment default domain>`, known before the app exists (no dependency cycle). */
  public readonly fqdn: string;
  /** `https://<customDomainHostName>` when given, else `https://<fqdn>`. */
  public readonly url: string;
  public readonly maxReplicas: number;
  /** Whether the server serves legacy HTTP+SSE at `/sse` + `/messages`. */
  public readonly legacySseEnabled: boolean;
  private readonly roleAssignmentScope: Construct;

  constructor(scope: Construct, id: string, props: McpContainerAppProps) {
    super(scope, id);
    const cpu = props.cpu ?? 0.5;
    const memory = props.memory ?? "1Gi";
    const minReplicas = props.minReplicas ?? 1;
    const maxReplicas = props.maxReplicas ?? 10;
    const concurrentRequests = props.concurrentRequests ?? 50;
    const targetPort = props.targetPort ?? 8000;
    const sessionMode = props.sessionMode ?? "stateless";
    const corsOrigins = props.corsAllowedOrigins ?? [];
    const corsCredentials = props.corsAllowCredentialsEnabled ?? false;
    const secrets = props.secrets ?? {};
    const secretEnvironmentVariables = props.secretEnvironmentVariables ?? {};
    const environmentVariables = props.environmentVariables ?? {};
    const singleReplica = !Token.isUnresolved(maxReplicas) && maxReplicas === 1;
    const legacySse = props.legacySseEnabled ?? singleReplica;
    const oauthFront = props.oauthFrontEnabled ?? false;
    const fail = (message: string): never => {
      throw new ValidationError(message, this);
    };

    if (!Token.isUnresolved(props.name) && !/^(?!.*--)[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(props.name)) {
      fail(
        `name must be 2 to 32 lowercase letters, digits and single hyphens, starting with a letter (got '${props.name}')`,
      );
    }
    checkImageReference(props.image.imageReference, fail);
    checkResources(cpu, memory, fail);
    checkReplicas(minReplicas, maxReplicas, concurrentRequests, fail);
    if (
      !Token.isUnresolved(targetPort) &&
      (!Number.isInteger(targetPort) || targetPort < 1 || targetPort > 65535)
    ) {
      fail(`targetPort must be an integer from 1 to 65535 (got ${targetPort})`);
    }
    checkAuth(props, fail);
    checkOauthFront(props, oauthFront, fail);
    const customHost = props.customDomainHostName;
    if (customHost !== undefined && !Token.isUnresolved(customHost) && !HOSTNAME_PATTERN.test(customHost)) {
      fail(`customDomainHostName must be a lowercase DNS name like mcp.example.com (got '${customHost}')`);
    }
    if (sessionMode === "stateful" && !singleReplica) {
      fail(
        `sessionMode 'stateful' needs maxReplicas=1 (got maxReplicas=${maxReplicas}): sessions live in one replica ` +
          `and azurerm 4.55 cannot configure session affinity`,
      );
    }
    if (sessionMode !== "stateful" && sessionMode !== "stateless") {
      fail(`sessionMode must be 'stateless' or 'stateful' (got '${String(sessionMode)}')`);
    }
    if (legacySse && !singleReplica) {
      fail(
        `legacySseEnabled needs maxReplicas=1 (got maxReplicas=${maxReplicas}): a legacy SSE POST must reach the ` +
          `replica holding its stream and azurerm 4.55 cannot configure session affinity`,
      );
    }
    checkCors(corsOrigins, corsCredentials, fail);
    checkIpRanges(props.allowedIpAddressRanges ?? {}, fail);
    checkVariables(environmentVariables, secretEnvironmentVariables, secrets, fail);
    for (const field of ["requestStateKey", "oauthFrontKey"] as const) {
      const reference = props[field];
      if (reference && ("value" in reference || !reference.keyVaultSecretId)) {
        fail(
          `${field} must be a Key Vault reference ({ keyVaultSecretId }) (got ${JSON.stringify(Object.keys(reference))}); plain secret values are refused`,
        );
      }
    }
    const probes = (["liveness", "readiness", "startup"] as const).map((kind) => {
      const { probe, problems } = resolveProbe(`${kind}Probe`, PROBE_DEFAULTS[kind], props[`${kind}Probe`]);
      if (problems.length > 0) fail(problems.join("; "));
      return probe;
    });
    const [liveness, readiness, startup] = probes;

    const tags = { ...props.tags };
    this.name = props.name;
    this.maxReplicas = maxReplicas;
    this.legacySseEnabled = legacySse;
    this.fqdn = `${props.name}.${props.environment.defaultDomain}`;
    this.url = `https://${props.customDomainHostName ?? this.fqdn}`;
    this.oauthFrontEnabled = oauthFront;
    this.oauthFrontRedirectUri = `${this.url}${OAUTH_FRONT_CALLBACK_PATH}`;
    this.identity =
      props.identity ??
      new UserAssignedIdentity(this, "Identity", {
        name: `id-${props.name}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags,
      });
    this.acrPullAssignment = props.registry?.grantPull(this.identity);
    this.acrPullPropagation =
      this.acrPullAssignment && waitForRolePropagation(this, "AcrPullPropagation", this.acrPullAssignment);
    this.roleAssignmentScope = new Construct(this, "RoleAssignments");
    for (const [key, assignment] of Object.entries(props.roleAssignments ?? {})) {
      assignRole(this.roleAssignmentScope, key, this.identity.principalId, assignment);
    }

    const upstream = props.upstream
      ? upstreamParts(props.upstream, { port: targetPort, cpu, identityId: this.identity.id }, fail)
      : undefined;
    if (props.upstream?.image)
      checkImageReference(props.upstream.image.imageReference, fail, "upstream.image");
    for (const secret of upstream?.secrets ?? []) {
      if (secret.name in secrets)
        fail(`secrets.${secret.name}: the name is taken by upstream.secrets; rename it`);
    }

    const sharedKey = (secretName: string, passwordId: string, reference?: KeyVaultSecretReference) => {
      if (reference) {
        const secret: ContainerAppSecret = {
          name: secretName,
          keyVaultSecretId: reference.keyVaultSecretId,
          identity: this.identity.id,
        };
        return { secret };
      }
      ensureStackProvider(this, "random", (stack) => new RandomProvider(stack, "random"));
      const password = new Password(this, passwordId, { length: 64, special: false });
      const secret: ContainerAppSecret = { name: secretName, value: password.result };
      return { secret, password };
    };
    const requestState = sharedKey(REQUEST_STATE_SECRET, "RequestStateKey", props.requestStateKey);
    this.requestStateKey = requestState.password;
    const frontKey = oauthFront
      ? sharedKey(OAUTH_FRONT_KEY_SECRET, "OauthFrontKey", props.oauthFrontKey)
      : undefined;
    this.oauthFrontKey = frontKey?.password;
    const appInsights = props.environment.applicationInsightsConnectionString;
    const secretBlocks: ContainerAppSecret[] = [
      ...Object.entries(secrets).map(([name, secret]) => ({
        name,
        keyVaultSecretId: secret.keyVaultSecretId,
        identity: this.identity.id,
      })),
      ...(appInsights ? [{ name: APP_INSIGHTS_SECRET, value: appInsights }] : []),
      ...(upstream?.secrets ?? []),
      requestState.secret,
      ...(frontKey ? [frontKey.secret] : []),
    ];
    const plain = (name: string, value: string): ContainerAppTemplateContainerEnv => ({ name, value });
    const env: ContainerAppTemplateContainerEnv[] = [
      plain("PORT", String(targetPort)),
      plain("MCP_TRANSPORT", "http"),
      plain("AUTH_MODE", props.authMode),
      ...(props.authMode === "entra"
        ? [
            plain("AZURE_TENANT_ID", props.entraTenantId ?? ""),
            plain("MCP_AUDIENCE", (props.entraAudiences ?? []).join(",")),
          ]
        : []),
      ...(props.authMode === "none" ? [plain("MCP_ALLOW_UNAUTHENTICATED", "true")] : []),
      plain("MCP_PUBLIC_URL", this.url),
      plain(
        "MCP_ALLOWED_HOSTS",
        [this.fqdn, ...(props.customDomainHostName ? [props.customDomainHostName] : [])].join(","),
      ),
      ...(corsOrigins.length > 0 && !corsOrigins.includes("*")
        ? [plain("MCP_ALLOWED_ORIGINS", corsOrigins.join(","))]
        : []),
      plain("MCP_SESSION_MODE", sessionMode),
      // Container Apps' ingress is one proxy hop: the client address is its X-Forwarded-For entry. A proxy in
      // front of the ingress (Front Door) adds one: set MCP_TRUSTED_PROXY_HOPS in environmentVariables.
      ...("MCP_TRUSTED_PROXY_HOPS" in environmentVariables ? [] : [plain("MCP_TRUSTED_PROXY_HOPS", "1")]),
      plain("MCP_LEGACY_SSE", String(legacySse)),
      plain("AZURE_CLIENT_ID", this.identity.clientId),
      ...(props.environment.logAnalyticsWorkspaceCustomerId
        ? [plain("LOG_ANALYTICS_WORKSPACE_ID", props.environment.logAnalyticsWorkspaceCustomerId)]
        : []),
      ...Object.entries(environmentVariables).map(([name, value]) => plain(name, value)),
      ...(appInsights
        ? [{ name: "APPLICATIONINSIGHTS_CONNECTION_STRING", secretName: APP_INSIGHTS_SECRET }]
        : []),
      { name: "MCP_REQUEST_STATE_KEY", secretName: REQUEST_STATE_SECRET },
      ...(oauthFront
        ? [
            plain("MCP_OAUTH_FRONT", "on"),
            plain("MCP_OAUTH_FRONT_CLIENT_ID", props.oauthFrontClientId ?? ""),
            { name: "MCP_OAUTH_FRONT_KEY", secretName: OAUTH_FRONT_KEY_SECRET },
          ]
        : []),
      ...Object.entries(secretEnvironmentVariables).map(([name, secretName]) => ({ name, secretName })),
      ...(upstream?.frontEnv ?? []),
    ];
    const cors: ContainerAppIngressCors | undefined =
      corsOrigins.length > 0
        ? {
            allowedOrigins: [...corsOrigins],
            allowCredentialsEnabled: corsCredentials,
            allowedMethods: CORS_METHODS,
            allowedHeaders: [...CORS_ALLOWED_HEADERS],
            exposedHeaders: [...CORS_EXPOSED_HEADERS],
            maxAgeInSeconds: 3600,
          }
        : undefined;
    const ipRules: ContainerAppIngressIpSecurityRestriction[] = Object.entries(
      props.allowedIpAddressRanges ?? {},
    ).map(([name, ipAddressRange]) => ({ name, ipAddressRange, action: "Allow" }));
    const dependsOn: ITerraformDependable[] = [
      ...(this.acrPullPropagation ? [this.acrPullPropagation] : []),
      ...props.image.dependables,
      ...(props.upstream?.image?.dependables ?? []),
    ];

    this.resource = new ContainerApp(this, "Resource", {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      containerAppEnvironmentId: props.environment.environmentId,
      workloadProfileName: props.workloadProfileName,
      revisionMode: "Single",
      tags,
      identity: { type: "UserAssigned", identityIds: [this.identity.id] },
      registry: props.registry
        ? [{ server: props.registry.loginServer, identity: this.identity.id }]
        : undefined,
      secret: secretBlocks.length > 0 ? secretBlocks : undefined,
      ingress: {
        externalEnabled: true,
        allowInsecureConnections: false,
        targetPort,
        transport: "auto",
        trafficWeight: [{ latestRevision: true, percentage: 100 }],
        cors,
        ipSecurityRestriction: ipRules.length > 0 ? ipRules : undefined,
      },
      template: {
        minReplicas,
        maxReplicas,
        terminationGracePeriodSeconds: 30,
        httpScaleRule: [{ name: "http-concurrency", concurrentRequests: String(concurrentRequests) }],
        container: [
          {
            name: "mcp-server",
            image: props.image.imageReference,
            cpu,
            memory,
            env,
            livenessProbe: [
              {
                transport: "HTTP",
                port: targetPort,
                path: liveness.path,
                intervalSeconds: liveness.intervalSeconds,
                timeout: liveness.timeoutSeconds,
                failureCountThreshold: liveness.failureCountThreshold,
                initialDelay: liveness.initialDelaySeconds,
              },
            ],
            readinessProbe: [
              {
                transport: "HTTP",
                port: targetPort,
                path: readiness.path,
                intervalSeconds: readiness.intervalSeconds,
                timeout: readiness.timeoutSeconds,
                failureCountThreshold: readiness.failureCountThreshold,
                initialDelay: readiness.initialDelaySeconds,
              },
            ],
            startupProbe: [
              {
                transport: "HTTP",
                port: targetPort,
                path: startup.path,
                intervalSeconds: startup.intervalSeconds,
                timeout: startup.timeoutSeconds,
                failureCountThreshold: startup.failureCountThreshold,
                initialDelay: startup.initialDelaySeconds,
              },
            ],
          },
          ...(upstream?.container ? [upstream.container] : []),
        ],
      },
      dependsOn,
    });
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
}

function checkImageReference(reference: string, fail: Fail, field = "image"): void {
  if (Token.isUnresolved(reference)) return;
  const lastSegment = reference.slice(reference.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.lastIndexOf(":") + 1) : undefined;
  if (!reference.includes("@sha256:") && (tag === undefined || tag === "" || tag === "latest")) {
    fail(`${field} reference must carry an explicit tag or digest other than 'latest' (got '${reference}')`);
  }
}

function checkReplicas(min: number, max: number, concurrentRequests: number, fail: Fail): void {
  if (!Token.isUnresolved(min) && (!Number.isInteger(min) || min < 0 || min > 300)) {
    fail(`minReplicas must be an integer from 0 to 300 (got ${min})`);
  }
  if (!Token.isUnresolved(max) && (!Number.isInteger(max) || max < 1 || max > 300)) {
    fail(`maxReplicas must be an integer from 1 to 300 (got ${max})`);
  }
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && max < min) {
    fail(`maxReplicas must be >= minReplicas (got minReplicas=${min}, maxReplicas=${max})`);
  }
  if (
    !Token.isUnresolved(concurrentRequests) &&
    (!Number.isInteger(concurrentRequests) || concurrentRequests < 1)
  ) {
    fail(`concurrentRequests must be a positive integer (got ${concurrentRequests})`);
  }
}

function checkAuth(props: McpContainerAppProps, fail: Fail): void {
  const modes: readonly string[] = ["entra", "apikey", "none"];
  if (!modes.includes(props.authMode)) {
    fail(`authMode must be one of ${modes.join(", ")} (got '${String(props.authMode)}')`);
  }
  if (props.authMode === "entra" && (!props.entraTenantId || !props.entraAudiences?.length)) {
    fail(
      `authMode 'entra' needs entraTenantId and at least one entraAudiences entry ` +
        `(got entraTenantId=${props.entraTenantId ?? "undefined"}, entraAudiences=${JSON.stringify(props.entraAudiences ?? [])})`,
    );
  }
  if (props.authMode === "apikey" && !props.secretEnvironmentVariables?.MCP_API_KEYS) {
    fail(`authMode 'apikey' needs secretEnvironmentVariables.MCP_API_KEYS, a secret held in Key Vault`);
  }
}

function checkOauthFront(props: McpContainerAppProps, enabled: boolean, fail: Fail): void {
  if (enabled && props.authMode !== "entra") {
    fail(
      `oauthFrontEnabled needs authMode 'entra' (got authMode='${String(props.authMode)}'): the front signs ` +
        `users in at Entra ID`,
    );
  }
  if (enabled && !props.oauthFrontClientId) {
    fail(
      `oauthFrontEnabled needs oauthFrontClientId, the Entra client the front signs users in with, e.g. ` +
        `McpEntraApp.clientId (got ${String(props.oauthFrontClientId)})`,
    );
  }
  for (const field of ["oauthFrontClientId", "oauthFrontKey"] as const) {
    if (!enabled && props[field] !== undefined) {
      fail(`${field} is set but oauthFrontEnabled is not true; turn the front on or remove ${field}`);
    }
  }
  const clientId = props.oauthFrontClientId;
  if (clientId !== undefined && !Token.isUnresolved(clientId) && !GUID_PATTERN.test(clientId)) {
    fail(`oauthFrontClientId must be a GUID (got '${clientId}')`);
  }
}

function checkCors(origins: readonly string[], credentials: boolean, fail: Fail): void {
  if (origins.includes("*") && origins.length > 1) {
    fail(`corsAllowedOrigins may hold '*' only on its own (got ${JSON.stringify(origins)})`);
  }
  if (origins.includes("*") && credentials) {
    fail(`corsAllowedOrigins '*' cannot be combined with corsAllowCredentialsEnabled=true: name the origins`);
  }
  for (const origin of origins) {
    if (origin !== "*" && !Token.isUnresolved(origin) && !/^https?:\/\/[^/\s*]+$/.test(origin)) {
      fail(`corsAllowedOrigins entries must be scheme://host[:port] without a path (got '${origin}')`);
    }
  }
}

function checkIpRanges(ranges: Readonly<Record<string, string>>, fail: Fail): void {
  for (const [name, range] of Object.entries(ranges)) {
    const [address, prefix] = range.split("/");
    const octetsValid =
      address.split(".").length === 4 &&
      address.split(".").every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
    const prefixValid = prefix === undefined || (/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32);
    if (!Token.isUnresolved(range) && (!octetsValid || !prefixValid)) {
      fail(
        `allowedIpAddressRanges.${name} must be an IPv4 address or CIDR range like 203.0.113.0/24 (got '${range}')`,
      );
    }
  }
}

function checkVariables(
  plain: Readonly<Record<string, string>>,
  fromSecrets: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, KeyVaultSecretReference>>,
  fail: Fail,
): void {
  for (const name of [...Object.keys(plain), ...Object.keys(fromSecrets)]) {
    if (MANAGED_VARIABLES.includes(name)) {
      fail(`environment variable ${name} is set by McpContainerApp from its props; remove it`);
    }
  }
  for (const name of Object.keys(plain)) {
    if (looksSecret(name)) {
      fail(
        `environmentVariables.${name} looks like a credential; put it in Key Vault and pass it with secrets + secretEnvironmentVariables`,
      );
    }
  }
  for (const [name, secret] of Object.entries(secrets)) {
    if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(name) || MANAGED_SECRETS.includes(name)) {
      fail(
        `secrets.${name}: the name must be lowercase letters, digits, '-' or '.' and not one of ${MANAGED_SECRETS.map((n) => `'${n}'`).join(", ")}`,
      );
    }
    if ("value" in secret || !secret.keyVaultSecretId) {
      fail(
        `secrets.${name} must be a Key Vault reference ({ keyVaultSecretId }); plain secret values are refused`,
      );
    }
  }
  for (const [variable, secretName] of Object.entries(fromSecrets)) {
    if (!(secretName in secrets)) {
      fail(
        `secretEnvironmentVariables.${variable} refers to secret '${secretName}', which is not in secrets (have: ${Object.keys(secrets).join(", ") || "none"})`,
      );
    }
  }
}
