import { createRemoteJWKSet, customFetch, type FetchImplementation, type JWTVerifyGetKey } from "jose";

/** Tuning of `createJwksCache`; tests shorten the windows. */
export interface JwksCacheOptions {
  /**
   * At most one JWKS fetch per window, whether it succeeded or failed: an attacker sending tokens with
   * made-up `kid`s cannot make us hammer the endpoint, even while it is down.
   * @default 30000
   */
  readonly cooldownMs?: number;
  /** Keys older than this are refreshed in the background; requests keep using the cached keys. @default 600000 */
  readonly refreshAfterMs?: number;
  /** @default 5000 */
  readonly fetchTimeoutMs?: number;
  /** Clock for the cooldown and refresh windows; tests pass their own. @default Date.now */
  readonly now?: () => number;
  /** Called when a fetch fails; the error holds no token. */
  readonly onFetchError?: (error: unknown) => void;
}

/** The tenant's signing keys, fetched at most once per cooldown and cached. */
export interface JwksCache {
  /** Key resolver for `jwtVerify`. Never fetches when the token's `kid` is cached and the keys are fresh. */
  readonly getKey: JWTVerifyGetKey;
  /** True once a key set has been fetched; stays true while the endpoint is down. */
  hasKeys(): boolean;
  /** Fetches the keys if none are cached yet (subject to the cooldown); resolves to `hasKeys()`. */
  warmUp(): Promise<boolean>;
}

/** Thrown instead of fetching while the cooldown runs. */
export class JwksCooldownError extends Error {
  constructor() {
    super("JWKS fetch skipped: cooling down after the previous fetch");
    this.name = "JwksCooldownError";
  }
}

/**
 * The tenant's signing keys, via jose's remote JWKS set. jose refetches on an unknown `kid` and dedupes
 * concurrent fetches; this wrapper adds what jose lacks: (1) a cooldown that also covers failed fetches,
 * (2) stale keys refreshed in the background rather than awaited, so a JWKS outage never fails a token
 * whose key is already cached (jose would await the refetch once its cacheMaxAge passed and fail).
 */
export function createJwksCache(jwksUri: string, options: JwksCacheOptions = {}): JwksCache {
  const cooldownMs = options.cooldownMs ?? 30_000;
  const refreshAfterMs = options.refreshAfterMs ?? 600_000;
  const now = options.now ?? Date.now;
  let lastAttemptAt: number | undefined;
  let lastSuccessAt: number | undefined;

  const coolingDown = () => lastAttemptAt !== undefined && now() - lastAttemptAt < cooldownMs;
  const rateLimitedFetch: FetchImplementation = async (url, init) => {
    if (coolingDown()) throw new JwksCooldownError();
    lastAttemptAt = now();
    const response = await fetch(url, init);
    if (response.status === 200) lastSuccessAt = lastAttemptAt;
    return response;
  };
  const remote = createRemoteJWKSet(new URL(jwksUri), {
    // Our fetch decides when to hit the network; jose may ask at any time and keeps its last good set.
    cooldownDuration: 0,
    cacheMaxAge: Infinity,
    timeoutDuration: options.fetchTimeoutMs ?? 5000,
    [customFetch]: rateLimitedFetch,
  });
  const hasKeys = () => remote.jwks() !== undefined;
  const reload = () =>
    remote.reload().catch((error: unknown) => {
      if (!(error instanceof JwksCooldownError)) options.onFetchError?.(error);
    });

  return {
    getKey: (header, token) => {
      const stale = lastSuccessAt !== undefined && now() - lastSuccessAt >= refreshAfterMs;
      if (hasKeys() && stale && !coolingDown()) void reload();
      return remote(header, token);
    },
    hasKeys,
    warmUp: async () => {
      if (!hasKeys()) await reload();
      return hasKeys();
    },
  };
}
