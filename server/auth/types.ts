/**
 * The caller as the auth layer saw it. Reaches tools (whoami) and logs; never holds the token or key.
 * The auth middleware puts it on `req.auth.extra.caller` (the SDK's AuthInfo), from where the SDK hands
 * it to tool handlers as `extra.authInfo.extra.caller`.
 */
export interface CallerIdentity {
  /** How the caller authenticated: the auth mode that recognised it. */
  readonly kind: "entra" | "apikey" | "anonymous";
  /** Stable key for per-caller limits and logs: object id, API key label, or client address. */
  readonly id: string;
  /** A display name: Entra's `name` claim or the API key's label. */
  readonly name?: string;
  /** Entra's `preferred_username` (or `upn`) claim: the sign-in name. */
  readonly upn?: string;
  /** Entra's `oid`: the user's or service principal's object id in its tenant. */
  readonly objectId?: string;
  /** Entra's `tid`: the tenant that issued the token. */
  readonly tenantId?: string;
  /** The client application (`azp` or `appid`) that obtained the token. */
  readonly appId?: string;
  /** Delegated scopes granted (`scp`); empty for app-only tokens and API keys. */
  readonly scopes: readonly string[];
  /** App roles granted (`roles`), as app-only tokens carry them. */
  readonly roles: readonly string[];
  /** The MCP_API_KEYS label of the key used (apikey mode only). */
  readonly apiKeyLabel?: string;
}

/** The caller when nobody authenticated (AUTH_MODE=none). */
export const ANONYMOUS_CALLER: CallerIdentity = { kind: "anonymous", id: "anonymous", scopes: [], roles: [] };
