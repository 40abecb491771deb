import type {
  ContainerAppIngress,
  ContainerAppSecret,
  ContainerAppTemplateContainerEnv,
} from "@cdktf/provider-azurerm/lib/container-app";
import type { McpContainerAppProps } from "../mcp-container-app";
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from "../../server/contract";
import type { ContainerAppSettings } from "./container-app-settings";
import { MANAGED_SECRET_NAMES } from "./container-app-checks";
import { serverSecretVariable, serverVariable } from "./server-variables";
import type { UpstreamParts } from "./upstream-parts";

const CORS_METHODS = ["GET", "POST", "DELETE", "OPTIONS"];

/** What the app's blocks are rendered from besides its props and settings. */
export interface ContainerAppParts {
  /** The app identity's resource id (reads Key Vault secrets) and client id (`AZURE_CLIENT_ID`). */
  readonly identityId: string;
  readonly identityClientId: string;
  readonly url: string;
  readonly fqdn: string;
  /** The shared keys' secrets: a Key Vault reference or a generated password. */
  readonly requestStateKeySecret: ContainerAppSecret;
  readonly oauthFrontKeySecret?: ContainerAppSecret;
  readonly upstream?: UpstreamParts;
}

/** The app's `secret` blocks: the user's Key Vault references, then the construct's own. */
export function renderSecrets(
  props: McpContainerAppProps,
  settings: ContainerAppSettings,
  parts: ContainerAppParts,
): ContainerAppSecret[] | undefined {
  const appInsights = props.environment.applicationInsightsConnectionString;
  const blocks: ContainerAppSecret[] = [
    ...Object.entries(settings.secrets).map(([name, secret]) => ({
      name,
      keyVaultSecretId: secret.keyVaultSecretId,
      identity: parts.identityId,
    })),
    ...(appInsights ? [{ name: MANAGED_SECRET_NAMES.appInsights, value: appInsights }] : []),
    ...(parts.upstream?.secrets ?? []),
    parts.requestStateKeySecret,
    ...(parts.oauthFrontKeySecret ? [parts.oauthFrontKeySecret] : []),
  ];
  return blocks.length > 0 ? blocks : undefined;
}

/**
 * The server container's `env`: the variables the construct sets from its props (typed by the contract),
 * with the user's plain and secret variables in between, then the upstream's.
 */
export function renderEnvironment(
  props: McpContainerAppProps,
  settings: ContainerAppSettings,
  parts: ContainerAppParts,
): ContainerAppTemplateContainerEnv[] {
  const origins = settings.corsAllowedOrigins;
  const workspaceId = props.environment.logAnalyticsWorkspaceCustomerId;
  const user = settings.environmentVariables;
  const when = <T>(condition: unknown, items: T[]): T[] => (condition ? items : []);
  return [
    serverVariable("PORT", String(settings.targetPort)),
    serverVariable("MCP_TRANSPORT", "http"),
    serverVariable("AUTH_MODE", props.authMode),
    ...when(props.authMode === "entra", [
      serverVariable("AZURE_TENANT_ID", props.entraTenantId ?? ""),
      serverVariable("MCP_AUDIENCE", (props.entraAudiences ?? []).join(",")),
    ]),
    ...when(props.authMode === "none", [serverVariable("MCP_ALLOW_UNAUTHENTICATED", "true")]),
    serverVariable("MCP_PUBLIC_URL", parts.url),
    serverVariable(
      "MCP_ALLOWED_HOSTS",
      [parts.fqdn, ...(props.customDomainHostName ? [props.customDomainHostName] : [])].join(","),
    ),
    ...when(origins.length > 0 && !origins.includes("*"), [
      serverVariable("MCP_ALLOWED_ORIGINS", origins.join(",")),
    ]),
    serverVariable("MCP_SESSION_MODE", settings.sessionMode),
    // Container Apps' ingress is one proxy hop: the client address is its X-Forwarded-For entry. A proxy in
    // front of the ingress (Front Door) adds one: set MCP_TRUSTED_PROXY_HOPS in environmentVariables.
    ...when(!("MCP_TRUSTED_PROXY_HOPS" in user), [serverVariable("MCP_TRUSTED_PROXY_HOPS", "1")]),
    serverVariable("MCP_LEGACY_SSE", String(settings.legacySseEnabled)),
    serverVariable("AZURE_CLIENT_ID", parts.identityClientId),
    ...when(workspaceId, [serverVariable("LOG_ANALYTICS_WORKSPACE_ID", workspaceId as string)]),
    ...Object.entries(user).map(([name, value]) => ({ name, value })),
    ...when(props.environment.applicationInsightsConnectionString, [
      serverSecretVariable("APPLICATIONINSIGHTS_CONNECTION_STRING", MANAGED_SECRET_NAMES.appInsights),
    ]),
    serverSecretVariable("MCP_REQUEST_STATE_KEY", MANAGED_SECRET_NAMES.requestStateKey),
    ...when(settings.oauthFrontEnabled, [
      serverVariable("MCP_OAUTH_FRONT", "on"),
      serverVariable("MCP_OAUTH_FRONT_CLIENT_ID", props.oauthFrontClientId ?? ""),
      serverSecretVariable("MCP_OAUTH_FRONT_KEY", MANAGED_SECRET_NAMES.oauthFrontKey),
    ]),
    ...Object.entries(settings.secretEnvironmentVariables).map(([name, secretName]) => ({
      name,
      secretName,
    })),
    ...(parts.upstream?.frontEnv ?? []),
  ];
}

/** External HTTPS-only ingress to the target port, with MCP-aware CORS and optional IP allow rules. */
export function renderIngress(settings: ContainerAppSettings): ContainerAppIngress {
  const origins = settings.corsAllowedOrigins;
  const ipRules = Object.entries(settings.allowedIpAddressRanges).map(([name, ipAddressRange]) => ({
    name,
    ipAddressRange,
    action: "Allow",
  }));
  return {
    externalEnabled: true,
    allowInsecureConnections: false,
    targetPort: settings.targetPort,
    transport: "auto",
    trafficWeight: [{ latestRevision: true, percentage: 100 }],
    // CORS is the ingress's job: the server sends no CORS headers, it only checks Origin against
    // MCP_ALLOWED_ORIGINS. The header lists are the contract's, which the server answers to.
    cors:
      origins.length > 0
        ? {
            allowedOrigins: [...origins],
            allowCredentialsEnabled: settings.corsAllowCredentialsEnabled,
            allowedMethods: CORS_METHODS,
            allowedHeaders: [...CORS_ALLOWED_HEADERS],
            exposedHeaders: [...CORS_EXPOSED_HEADERS],
            maxAgeInSeconds: 3600,
          }
        : undefined,
    ipSecurityRestriction: ipRules.length > 0 ? ipRules : undefined,
  };
}
