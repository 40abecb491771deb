import { ConfigError } from "../config-error";
import { oneOf } from "../env-values";
import { ApiKeyEntry, parseApiKeys } from "./api-key-config";
import { isLoopbackHost } from "./loopback";
import { GUID_PATTERN } from "../guid";
import { parseOAuthFront, type OAuthFrontConfig } from "./front/config";

type Env = Readonly<Record<string, string | undefined>>;

/** Authentication settings, parsed from AUTH_MODE and its companion variables. */
export type AuthConfig =
  | {
      /** AUTH_MODE=none: every request is anonymous. */
      readonly mode: "none";
      /** MCP_ALLOW_UNAUTHENTICATED=true: the server may listen on a non-loopback address without auth. */
      readonly allowUnauthenticated: boolean;
    }
  | {
      /** AUTH_MODE=entra: bearer tokens issued by Entra ID for this API. */
      readonly mode: "entra";
      /** Tenant GUID, or a verified domain (then `issuers` came from AUTH_ISSUERS). */
      readonly tenantId: string;
      /** `aud` values accepted: the `api://` identifier URI and/or the client id GUID. */
      readonly audiences: readonly string[];
      /** Short scope names as they appear in `scp`, e.g. `user_impersonation`. */
      readonly requiredScopes: readonly string[];
      /** App roles as they appear in `roles` (application tokens); one of them is enough. */
      readonly requiredRoles: readonly string[];
      /** `iss` values accepted: AUTH_ISSUERS, else the tenant's v2.0 issuer (and v1's in the public cloud). */
      readonly issuers: readonly string[];
      /** Where the tenant's signing keys are published: AUTH_JWKS_URI, else derived from authority and tenant. */
      readonly jwksUri: string;
      /** AUTH_AUTHORITY without a trailing slash; with the tenant it gives Entra's endpoints. */
      readonly authority: string;
      /** MCP_OAUTH_FRONT=on: the server is also an OAuth authorization server in front of Entra. */
      readonly front?: OAuthFrontConfig;
    }
  | {
      /** AUTH_MODE=apikey: a key from MCP_API_KEYS in the api-key, x-api-key or Authorization header. */
      readonly mode: "apikey";
      /** The accepted keys with their labels (the label names the caller; the key is never logged). */
      readonly apiKeys: readonly ApiKeyEntry[];
    };

/** The settings of AUTH_MODE=entra. */
export type EntraAuthConfig = Extract<AuthConfig, { mode: "entra" }>;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const URI = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;
const CLAIM_VALUE = /^[^\s,/]+$/;

/**
 * Parses the auth variables; every problem is a ConfigError naming the variable. The one home of the rule
 * that AUTH_MODE=none refuses a non-loopback HOST (loadConfig relies on it).
 */
export function parseAuthConfig(env: Env): AuthConfig {
  const mode = env.AUTH_MODE ?? "none";
  const front = (env.MCP_OAUTH_FRONT ?? "off").trim() || "off";
  if (front !== "off" && mode !== "entra") {
    throw new ConfigError(
      "MCP_OAUTH_FRONT",
      env.MCP_OAUTH_FRONT,
      `'off' unless AUTH_MODE=entra (got AUTH_MODE=${mode}): the front signs users in at Entra ID`,
    );
  }
  switch (mode) {
    case "none":
      return parseNone(env);
    case "entra":
      return parseEntra(env);
    case "apikey":
      return { mode: "apikey", apiKeys: parseApiKeys(env.MCP_API_KEYS) };
    default:
      throw new ConfigError("AUTH_MODE", mode, "one of 'none', 'entra', 'apikey'");
  }
}

function parseNone(env: Env): AuthConfig {
  const allow = env.MCP_ALLOW_UNAUTHENTICATED ?? "false";
  if (allow !== "true" && allow !== "false") {
    throw new ConfigError("MCP_ALLOW_UNAUTHENTICATED", allow, "expected 'true' or 'false'");
  }
  const host = env.HOST?.trim() || "127.0.0.1";
  // stdio listens on no address, so only an HTTP server can be open to the network. Read as loadConfig
  // reads it (trimmed, empty is unset): any other reading could take " http " for stdio and serve open.
  const listens = oneOf(env, "MCP_TRANSPORT", "http", ["http", "stdio"]) === "http";
  if (allow === "false" && listens && !isLoopbackHost(host)) {
    throw new ConfigError(
      "HOST",
      host,
      "AUTH_MODE=none serves without authentication, so HOST must be a loopback address " +
        "(127.0.0.1, ::1, localhost). Set AUTH_MODE=entra or AUTH_MODE=apikey, or set " +
        "MCP_ALLOW_UNAUTHENTICATED=true to serve unauthenticated on a non-loopback address",
    );
  }
  return { mode: "none", allowUnauthenticated: allow === "true" };
}

function parseEntra(env: Env): EntraAuthConfig {
  const tenantId = (env.AZURE_TENANT_ID ?? "").trim();
  const tenantIsGuid = GUID_PATTERN.test(tenantId);
  if (!tenantIsGuid && !DOMAIN.test(tenantId)) {
    throw new ConfigError(
      "AZURE_TENANT_ID",
      env.AZURE_TENANT_ID,
      "required when AUTH_MODE=entra: the tenant GUID or a verified domain such as contoso.onmicrosoft.com " +
        "(multi-tenant 'common' / 'organizations' are not supported)",
    );
  }
  const audiences = list(
    env,
    "MCP_AUDIENCE",
    undefined,
    (a) => GUID_PATTERN.test(a) || URI.test(a),
    "a client id GUID or an identifier URI such as api://<client id>",
  );
  const requiredScopes = list(
    env,
    "MCP_REQUIRED_SCOPES",
    "user_impersonation",
    (s) => CLAIM_VALUE.test(s),
    "short scope names as in the scp claim, e.g. user_impersonation (not api://.../scope)",
  );
  const requiredRoles = list(
    env,
    "MCP_REQUIRED_ROLES",
    "Mcp.Invoke",
    (r) => CLAIM_VALUE.test(r),
    "app role values as in the roles claim, e.g. Mcp.Invoke",
  );
  if (!tenantIsGuid && env.AUTH_ISSUERS === undefined) {
    throw new ConfigError(
      "AUTH_ISSUERS",
      undefined,
      `required when AZURE_TENANT_ID is a domain (${tenantId}): Entra puts the tenant GUID in the iss claim, ` +
        "so set AZURE_TENANT_ID to the tenant GUID or list the issuers",
    );
  }
  const authority = parseAuthority(env.AUTH_AUTHORITY);
  // Entra's v1 tokens name sts.windows.net only in the public cloud; elsewhere the v2 issuer is the one.
  const defaultIssuers =
    authority === DEFAULT_AUTHORITY
      ? `${authority}/${tenantId}/v2.0,https://sts.windows.net/${tenantId}/`
      : `${authority}/${tenantId}/v2.0`;
  const issuers = list(
    env,
    "AUTH_ISSUERS",
    defaultIssuers,
    (i) => URI.test(i),
    "absolute issuer URLs, e.g. https://login.microsoftonline.com/<tenant>/v2.0",
  );
  const jwksUri = parseJwksUri(env.AUTH_JWKS_URI ?? `${authority}/${tenantId}/discovery/v2.0/keys`);
  const entra = {
    mode: "entra",
    tenantId,
    audiences,
    requiredScopes,
    requiredRoles,
    issuers,
    jwksUri,
    authority,
  } as const;
  const front = parseOAuthFront(env, entra);
  return front === undefined ? entra : { ...entra, front };
}

/** AUTH_AUTHORITY when unset: Entra ID's public cloud. */
export const DEFAULT_AUTHORITY = "https://login.microsoftonline.com";

/** AUTH_AUTHORITY: an https base URL (http only on loopback, for tests) without query, fragment or credentials. */
function parseAuthority(value: string | undefined): string {
  const raw = value?.trim() || DEFAULT_AUTHORITY;
  const allowed =
    "an https base URL such as https://login.microsoftonline.com (http only for a loopback host), " +
    "without query, fragment or credentials";
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  const secure = url?.protocol === "https:" || (url?.protocol === "http:" && isLoopbackHost(url.hostname));
  const bare = url?.search === "" && url.hash === "" && url.username === "" && url.password === "";
  if (!url || !secure || !bare) {
    throw new ConfigError("AUTH_AUTHORITY", value, allowed);
  }
  return url.href.replace(/\/+$/, "");
}

function list(
  env: Env,
  variable: string,
  fallback: string | undefined,
  valid: (entry: string) => boolean,
  allowed: string,
): string[] {
  const raw = env[variable] ?? fallback;
  const entries = (raw ?? "").split(",").map((e) => e.trim());
  if (entries.every((e) => e === "")) {
    throw new ConfigError(variable, raw, `at least one entry is required: ${allowed}`);
  }
  entries.forEach((entry, index) => {
    if (!valid(entry)) {
      throw new ConfigError(
        variable,
        raw,
        `entry ${index + 1} (${JSON.stringify(entry)}) is not valid; expected ${allowed}`,
      );
    }
  });
  return entries;
}

function parseJwksUri(value: string): string {
  const allowed = "an https URL (http only for a loopback host)";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError("AUTH_JWKS_URI", value, allowed);
  }
  const secure = url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
  if (!secure) throw new ConfigError("AUTH_JWKS_URI", value, allowed);
  return url.href;
}
