/**
 * The caller as the auth layer saw it. Reaches tools (whoami) and logs; never holds the token or key.
 * The auth middleware puts it on `req.auth.extra.caller` (the SDK's AuthInfo), from where the SDK hands
 * it to tool handlers as `extra.authInfo.extra.caller`.
 */
export interface CallerIdentity {
  readonly kind: "entra" | "apikey" | "anonymous";
  /** Stable key for per-caller limits and logs: object id, API key label, or client address. */
  readonly id: string;
  readonly name?: string;
  readonly upn?: string;
  readonly objectId?: string;
  readonly tenantId?: string;
  readonly appId?: string;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
  readonly apiKeyLabel?: string;
}

/** The caller when nobody authenticated (AUTH_MODE=none). */
export const ANONYMOUS_CALLER: CallerIdentity = { kind: "anonymous", id: "anonymous", scopes: [], roles: [] };
