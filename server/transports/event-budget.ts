/** What the budget needs from a store: its bytes, dropping its oldest event, and sweeping expired ones. */
export interface BudgetedStore {
  /** Bytes of the events the store holds now. */
  readonly bytes: number;
  /** Drops the oldest event; false when the store is empty. */
  dropOldest(): boolean;
  /** Drops the events older than the store's maximum age. */
  sweepExpired(): void;
}

/**
 * The bytes of stored events across every session of the replica. When a new event takes the total over
 * `maxBytes`, the oldest events of the other stores go first, then the storing store's own. Also sweeps
 * expired events of every store (stateful.ts calls `sweep` on a timer), so a session nobody touches does
 * not keep its events until it expires.
 */
export class EventBudget {
  private readonly stores = new Set<BudgetedStore>();
  private used = 0;

  constructor(
    /** Bytes of stored events allowed across the replica's sessions (eventStoreMaxBytesTotal). */
    readonly maxBytes: number,
  ) {}

  /** Bytes of stored events across every store of the replica. */
  get bytes(): number {
    return this.used;
  }

  /** Adds a new session's store: its events now count, and may be dropped to make room. */
  join(store: BudgetedStore): void {
    this.stores.add(store);
  }

  /** Called by a store when it closes, after it has given back its bytes. */
  leave(store: BudgetedStore): void {
    this.stores.delete(store);
  }

  /** Counts `bytes` more (negative when a store frees); then makes room, others' oldest events first. */
  add(bytes: number, storing?: BudgetedStore): void {
    this.used += bytes;
    if (this.used <= this.maxBytes || storing === undefined) return;
    for (const store of this.stores) {
      while (store !== storing && this.used > this.maxBytes && store.dropOldest());
      if (this.used <= this.maxBytes) return;
    }
    while (this.used > this.maxBytes && storing.dropOldest());
  }

  /** Drops the expired events of every store. */
  sweep(): void {
    for (const store of this.stores) store.sweepExpired();
  }
}
