/**
 * Ids (a code's or refresh token's `jti`, a refresh family) already used or revoked on this replica, each
 * kept until the artefact expires anyway. Per replica: see docs/authentication.md for what that leaves open
 * across replicas. Bounded: past `maxEntries` the oldest entry goes first.
 */
export class ReplayGuard {
  private readonly entries = new Map<string, number>();

  constructor(
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records `id` until `expiresAtSeconds`; false when it was already there (a replay). */
  claim(id: string, expiresAtSeconds: number): boolean {
    this.purge();
    if (this.has(id)) return false;
    this.add(id, expiresAtSeconds);
    return true;
  }

  /** Ids held now, spent ones not yet purged included: what the guard costs in memory. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether `id` is recorded and its artefact has not expired yet. */
  has(id: string): boolean {
    const until = this.entries.get(id);
    return until !== undefined && until > this.now();
  }

  /** Records `id` until `expiresAtSeconds` (a revocation), evicting the oldest past `maxEntries`. */
  add(id: string, expiresAtSeconds: number): void {
    this.entries.delete(id);
    this.entries.set(id, expiresAtSeconds * 1000);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  // One guard per kind of artefact, so entries arrive in (nearly) expiry order and purging stops early.
  private purge(): void {
    const now = this.now();
    for (const [id, until] of this.entries) {
      if (until > now) break;
      this.entries.delete(id);
    }
  }
}
