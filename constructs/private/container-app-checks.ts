import { Token } from "cdktf";
import { IConstruct } from "constructs";
import { MCP_AUTH_MODES, MCP_SESSION_MODES, type McpContainerAppProps } from "../mcp-container-app";
import { ValidationError } from "../validation-error";
import { MANAGED_SERVER_VARIABLES } from "../../server/contract";
import {
  checkConsumptionResources,
  checkGuid,
  checkIntegerInRange,
  checkKeyVaultReference,
  checkOneOf,
  checkPattern,
  checkPositiveInteger,
} from "./checks";
import type { ContainerAppSettings } from "./container-app-settings";
import { HOSTNAME_PATTERN } from "./hostname";
import { looksSecret } from "./secret-names";

/** Secret names the construct sets itself. */
export const MANAGED_SECRET_NAMES = {
  appInsights: "appinsights-connection-string",
  requestStateKey: "mcp-request-state-key",
  oauthFrontKey: "mcp-oauth-front-key",
} as const;

const CONTAINER_APP_NAME = /^(?!.*--)[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const SECRET_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;
const ORIGIN = /^https?:\/\/[^/\s*]+$/;

/** Every check of `McpContainerApp`'s own props (the upstream's are in upstream-parts.ts), in message order. */
export function checkContainerAppProps(
  scope: IConstruct,
  props: McpContainerAppProps,
  settings: ContainerAppSettings,
): void {
  checkPattern(
    scope,
    "name",
    props.name,
    CONTAINER_APP_NAME,
    "2 to 32 lowercase letters, digits and single hyphens, starting with a letter",
  );
  checkImageReference(scope, props.image.imageReference);
  checkConsumptionResources(scope, settings.cpu, settings.memory);
  checkScale(scope, settings);
  checkIntegerInRange(scope, "targetPort", settings.targetPort, 1, 65535);
  checkAuth(scope, props);
  checkOauthFront(scope, props, settings.oauthFrontEnabled);
  checkPattern(
    scope,
    "customDomainHostName",
    props.customDomainHostName,
    HOSTNAME_PATTERN,
    "a lowercase DNS name like mcp.example.com",
  );
  checkSingleReplicaModes(scope, settings);
  checkCors(scope, settings.corsAllowedOrigins, settings.corsAllowCredentialsEnabled);
  checkIpRanges(scope, settings.allowedIpAddressRanges);
  checkVariables(scope, settings);
  checkKeyVaultReference(scope, "requestStateKey", props.requestStateKey, true);
  checkKeyVaultReference(scope, "oauthFrontKey", props.oauthFrontKey, true);
}

/** An image reference pins a tag or digest: `latest` or none would change under a running app. */
export function checkImageReference(scope: IConstruct, reference: string, field = "image"): void {
  if (Token.isUnresolved(reference)) return;
  const lastSegment = reference.slice(reference.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.lastIndexOf(":") + 1) : undefined;
  if (!reference.includes("@sha256:") && (tag === undefined || tag === "" || tag === "latest")) {
    throw new ValidationError(
      `${field} reference must carry an explicit tag or digest other than 'latest' (got '${reference}')`,
      scope,
    );
  }
}

function checkScale(scope: IConstruct, settings: ContainerAppSettings): void {
  const { minReplicas: min, maxReplicas: max } = settings;
  checkIntegerInRange(scope, "minReplicas", min, 0, 300);
  checkIntegerInRange(scope, "maxReplicas", max, 1, 300);
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && max < min) {
    throw new ValidationError(
      `maxReplicas must be >= minReplicas (got minReplicas=${min}, maxReplicas=${max})`,
      scope,
    );
  }
  checkPositiveInteger(scope, "concurrentRequests", settings.concurrentRequests);
}

function checkAuth(scope: IConstruct, props: McpContainerAppProps): void {
  checkOneOf(scope, "authMode", props.authMode, MCP_AUTH_MODES);
  if (props.authMode === "entra" && (!props.entraTenantId || !props.entraAudiences?.length)) {
    throw new ValidationError(
      `authMode 'entra' needs entraTenantId and at least one entraAudiences entry ` +
        `(got entraTenantId=${props.entraTenantId ?? "undefined"}, entraAudiences=${JSON.stringify(props.entraAudiences ?? [])})`,
      scope,
    );
  }
  if (props.authMode === "apikey" && !props.secretEnvironmentVariables?.MCP_API_KEYS) {
    throw new ValidationError(
      `authMode 'apikey' needs secretEnvironmentVariables.MCP_API_KEYS, a secret held in Key Vault`,
      scope,
    );
  }
}

function checkOauthFront(scope: IConstruct, props: McpContainerAppProps, enabled: boolean): void {
  if (enabled && props.authMode !== "entra") {
    throw new ValidationError(
      `oauthFrontEnabled needs authMode 'entra' (got authMode='${String(props.authMode)}'): the front signs ` +
        `users in at Entra ID`,
      scope,
    );
  }
  if (enabled && !props.oauthFrontClientId) {
    throw new ValidationError(
      `oauthFrontEnabled needs oauthFrontClientId, the Entra client the front signs users in with, e.g. ` +
        `McpEntraApp.clientId (got ${String(props.oauthFrontClientId)})`,
      scope,
    );
  }
  for (const field of ["oauthFrontClientId", "oauthFrontKey"] as const) {
    if (!enabled && props[field] !== undefined) {
      throw new ValidationError(
        `${field} is set but oauthFrontEnabled is not true; turn the front on or remove ${field}`,
        scope,
      );
    }
  }
  checkGuid(scope, "oauthFrontClientId", props.oauthFrontClientId, "'");
}

/** Stateful sessions and legacy SSE keep state in one replica: azurerm 4.55 has no session affinity. */
function checkSingleReplicaModes(scope: IConstruct, settings: ContainerAppSettings): void {
  const { sessionMode, maxReplicas } = settings;
  if (sessionMode === "stateful" && !settings.singleReplica) {
    throw new ValidationError(
      `sessionMode 'stateful' needs maxReplicas=1 (got maxReplicas=${maxReplicas}): sessions live in one replica ` +
        `and azurerm 4.55 cannot configure session affinity`,
      scope,
    );
  }
  if (!(MCP_SESSION_MODES as readonly string[]).includes(sessionMode)) {
    throw new ValidationError(
      `sessionMode must be ${MCP_SESSION_MODES.map((mode) => `'${mode}'`).join(" or ")} (got '${String(sessionMode)}')`,
      scope,
    );
  }
  if (settings.legacySseEnabled && !settings.singleReplica) {
    throw new ValidationError(
      `legacySseEnabled needs maxReplicas=1 (got maxReplicas=${maxReplicas}): a legacy SSE POST must reach the ` +
        `replica holding its stream and azurerm 4.55 cannot configure session affinity`,
      scope,
    );
  }
}

function checkCors(scope: IConstruct, origins: readonly string[], credentials: boolean): void {
  if (origins.includes("*") && origins.length > 1) {
    throw new ValidationError(
      `corsAllowedOrigins may hold '*' only on its own (got ${JSON.stringify(origins)})`,
      scope,
    );
  }
  if (origins.includes("*") && credentials) {
    throw new ValidationError(
      `corsAllowedOrigins '*' cannot be combined with corsAllowCredentialsEnabled=true: name the origins`,
      scope,
    );
  }
  for (const origin of origins.filter((entry) => entry !== "*")) {
    checkPattern(scope, "corsAllowedOrigins entries", origin, ORIGIN, "scheme://host[:port] without a path");
  }
}

function checkIpRanges(scope: IConstruct, ranges: Readonly<Record<string, string>>): void {
  for (const [name, range] of Object.entries(ranges)) {
    const [address, prefix] = range.split("/");
    const octetsValid =
      address.split(".").length === 4 &&
      address.split(".").every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
    const prefixValid = prefix === undefined || (/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32);
    if (!Token.isUnresolved(range) && (!octetsValid || !prefixValid)) {
      throw new ValidationError(
        `allowedIpAddressRanges.${name} must be an IPv4 address or CIDR range like 203.0.113.0/24 (got '${range}')`,
        scope,
      );
    }
  }
}

function checkVariables(scope: IConstruct, settings: ContainerAppSettings): void {
  const { environmentVariables: plain, secretEnvironmentVariables: fromSecrets, secrets } = settings;
  const managed: readonly string[] = MANAGED_SERVER_VARIABLES;
  for (const name of [...Object.keys(plain), ...Object.keys(fromSecrets)]) {
    if (managed.includes(name)) {
      throw new ValidationError(
        `environment variable ${name} is set by McpContainerApp from its props; remove it`,
        scope,
      );
    }
  }
  for (const name of Object.keys(plain)) {
    if (looksSecret(name)) {
      throw new ValidationError(
        `environmentVariables.${name} looks like a credential; put it in Key Vault and pass it with secrets + secretEnvironmentVariables`,
        scope,
      );
    }
  }
  const managedSecrets: readonly string[] = Object.values(MANAGED_SECRET_NAMES);
  for (const [name, secret] of Object.entries(secrets)) {
    if (!SECRET_NAME.test(name) || managedSecrets.includes(name)) {
      throw new ValidationError(
        `secrets.${name}: the name must be lowercase letters, digits, '-' or '.' and not one of ${managedSecrets.map((n) => `'${n}'`).join(", ")}`,
        scope,
      );
    }
    checkKeyVaultReference(scope, `secrets.${name}`, secret);
  }
  for (const [variable, secretName] of Object.entries(fromSecrets)) {
    if (!(secretName in secrets)) {
      throw new ValidationError(
        `secretEnvironmentVariables.${variable} refers to secret '${secretName}', which is not in secrets (have: ${Object.keys(secrets).join(", ") || "none"})`,
        scope,
      );
    }
  }
}
