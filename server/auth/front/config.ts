import { ConfigError } from "../../config-error";
import { GUID_PATTERN } from "../../guid";
import { isLoopbackHost } from "../loopback";
import { fullScopes } from "../scopes";
import type { EntraAuthConfig } from "../config";

type Env = Readonly<Record<string, string | undefined>>;

/** The authorization front's settings (MCP_OAUTH_FRONT=on). Holds secrets: never log it. */
export interface OAuthFrontConfig {
  /** MCP_PUBLIC_URL's origin: the front's issuer, the same on every replica. */
  readonly issuer: string;
  /** The front's confidential client at Entra. */
  readonly clientId: string;
  /** Locally; absent in Azure, where the managed identity signs a client assertion. */
  readonly clientSecret?: string;
  /** MCP_OAUTH_FRONT_KEY as bytes; every sealed artefact derives its key from it. */
  readonly key: Uint8Array;
  /** The tenant's authorize endpoint, where the consent approval sends the browser. */
  readonly entraAuthorizeUrl: string;
  /** The tenant's token endpoint, where Entra's codes and refresh tokens are redeemed. */
  readonly entraTokenUrl: string;
  /** What the front asks Entra for: the API's scopes (no `resource` parameter) plus offline_access. */
  readonly entraScopes: readonly string[];
  /** CIMD documents on loopback addresses are fetched only when the issuer itself is loopback (tests). */
  readonly allowLoopbackClientMetadata: boolean;
  /** Lifetime of the front's access tokens; also their `expires_in`. */
  readonly accessTokenSeconds: number;
  /** Lifetime of each refresh token; every refresh issues a new one. */
  readonly refreshTokenSeconds: number;
  /** Lifetime of the front's authorization codes: long enough for one token request. */
  readonly codeSeconds: number;
  /** How long a consent page, and then the Entra round trip, may take. */
  readonly consentSeconds: number;
}

/** MCP_OAUTH_FRONT_KEY's least length: it is the 256-bit key that seals the front's codes and tokens. */
export const MIN_FRONT_KEY_BYTES = 32;

/** MCP_OAUTH_FRONT and its companions; undefined when the front is off. Errors never echo a secret. */
export function parseOAuthFront(
  env: Env,
  entra: Omit<EntraAuthConfig, "front">,
): OAuthFrontConfig | undefined {
  const switchValue = env.MCP_OAUTH_FRONT?.trim() || "off";
  if (switchValue === "off") return undefined;
  if (switchValue !== "on") throw new ConfigError("MCP_OAUTH_FRONT", env.MCP_OAUTH_FRONT, "'on' or 'off'");

  const issuer = publicOrigin(env.MCP_PUBLIC_URL);
  const rawKey = env.MCP_OAUTH_FRONT_KEY ?? "";
  const key = new TextEncoder().encode(rawKey);
  if (key.byteLength < MIN_FRONT_KEY_BYTES) {
    throw new ConfigError(
      "MCP_OAUTH_FRONT_KEY",
      `<redacted, ${key.byteLength} bytes>`,
      `required with MCP_OAUTH_FRONT=on: a secret of at least ${MIN_FRONT_KEY_BYTES} bytes, the same on ` +
        "every replica, e.g. `openssl rand -base64 48`",
    );
  }
  const clientId = env.MCP_OAUTH_FRONT_CLIENT_ID?.trim() || apiClientId(entra.audiences);
  if (clientId === undefined || !GUID_PATTERN.test(clientId)) {
    throw new ConfigError(
      "MCP_OAUTH_FRONT_CLIENT_ID",
      env.MCP_OAUTH_FRONT_CLIENT_ID,
      "the front's application (client) id GUID at Entra; required when MCP_AUDIENCE names no client id " +
        "(a GUID or api://<GUID>)",
    );
  }
  const tenantBase = `${entra.authority}/${entra.tenantId}/oauth2/v2.0`;
  return {
    issuer,
    clientId,
    clientSecret: env.MCP_OAUTH_FRONT_CLIENT_SECRET?.trim() || undefined,
    key,
    entraAuthorizeUrl: `${tenantBase}/authorize`,
    entraTokenUrl: `${tenantBase}/token`,
    entraScopes: [...fullScopes(entra as EntraAuthConfig), "offline_access"],
    allowLoopbackClientMetadata: isLoopbackHost(new URL(issuer).hostname),
    accessTokenSeconds: 600,
    refreshTokenSeconds: 14 * 24 * 3600,
    codeSeconds: 60,
    consentSeconds: 600,
  };
}

function publicOrigin(value: string | undefined): string {
  const url = value !== undefined && URL.canParse(value.trim()) ? new URL(value.trim()) : undefined;
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new ConfigError(
      "MCP_PUBLIC_URL",
      value,
      "required with MCP_OAUTH_FRONT=on: the front's issuer is this base URL (e.g. https://mcp.example.com), " +
        "the same on every replica",
    );
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      "MCP_PUBLIC_URL",
      value,
      "https with MCP_OAUTH_FRONT=on (http only for a loopback host): tokens and codes cross it",
    );
  }
  return url.origin;
}

/** The API app's client id: a GUID audience, or the GUID in `api://<GUID>`. */
function apiClientId(audiences: readonly string[]): string | undefined {
  for (const audience of audiences) {
    const guid = audience.replace(/^api:\/\//, "").replace(/\/+$/, "");
    if (GUID_PATTERN.test(guid)) return guid;
  }
  return undefined;
}
