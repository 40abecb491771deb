import { createHash } from "node:crypto";

/** Tuning of the cache of verified tokens. */
export interface VerifiedTokenCacheOptions {
  /** Oldest entries are dropped beyond this. 0 turns the cache off. @default 10000 */
  readonly maxEntries?: number;
  /**
   * How long a verified token is trusted without re-verification (never past its `exp`). Bounds how long a
   * signing key Entra has withdrawn keeps working for tokens already seen.
   * @default 300000
   */
  readonly maxAgeMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Remembers tokens that passed verification so a client reusing its token (every MCP request) costs one
 * SHA-256 instead of an RSA signature check. Keyed by the token's SHA-256, so the cache holds no tokens and
 * a token differing in any byte (a tampered payload or signature) misses and is verified in full.
 */
export function createVerifiedTokenCache<T extends { readonly expiresAt: number }>(
  options: VerifiedTokenCacheOptions = {},
) {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { readonly value: T; readonly until: number }>();
  const keyOf = (token: string) => createHash("sha256").update(token).digest("base64");

  return {
    get(token: string): T | undefined {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (now() < entry.until) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(token: string, value: T): void {
      if (maxEntries <= 0) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(keyOf(token), { value, until: Math.min(now() + maxAgeMs, value.expiresAt * 1000) });
    },
    get size(): number {
      return entries.size;
    },
  };
}
