import { createHash, timingSafeEqual } from "node:crypto";
import type { ApiKeyEntry } from "./api-key-config";

/**
 * Matches a presented key against every configured key in constant time: both sides are hashed to
 * equal-length SHA-256 digests and compared with timingSafeEqual, and every key is compared (no early exit),
 * so neither the key length nor which key matched shows in the timing. Returns the label or undefined.
 */
export function createApiKeyVerifier(
  entries: readonly ApiKeyEntry[],
): (presented: string) => string | undefined {
  const digests = entries.map((e) => ({ label: e.label, digest: sha256(e.key) }));
  return (presented) => {
    const candidate = sha256(presented);
    let match: string | undefined;
    for (const { label, digest } of digests) {
      if (timingSafeEqual(candidate, digest) && match === undefined) match = label;
    }
    return match;
  };
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
