import type { ClientRateLimitInfo, Options, Store } from "express-rate-limit";

/** A caller's hits in its current window; handed to express-rate-limit as is, as MemoryStore does. */
type Counter = ClientRateLimitInfo & { resetTime: Date };

/**
 * express-rate-limit's fixed-window counting (as its MemoryStore: a caller's window starts at its first
 * request) on a clock that can be injected, so tests move time instead of sleeping through a window.
 * Callers idle for a whole window are forgotten: the maps rotate when the clock passes a window boundary,
 * on the next call rather than on a timer, so nothing keeps the process alive.
 */
export class FixedWindowStore implements Store {
  /** Counts live in this store alone (as in MemoryStore): express-rate-limit uses it to detect double counting. */
  public readonly localKeys = true;
  private windowMs = 60_000;
  private current = new Map<string, Counter>();
  private previous = new Map<string, Counter>();
  private rotateAt: number;

  /** @param now the clock, in epoch milliseconds. @default Date.now */
  constructor(private readonly now: () => number = Date.now) {
    this.rotateAt = now() + this.windowMs;
  }

  /** Called by express-rate-limit with its options: the window length comes from there. */
  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.rotateAt = this.now() + this.windowMs;
  }

  /** The caller's hits in a window still open, or undefined when it has none. */
  get(key: string): ClientRateLimitInfo | undefined {
    const client = this.current.get(key) ?? this.previous.get(key);
    return client && client.resetTime.getTime() > this.now() ? client : undefined;
  }

  /** Counts one hit; a caller whose window has passed starts a new one. */
  increment(key: string): ClientRateLimitInfo {
    return this.add(key, 1);
  }

  /** Counts `hits` for `key` at once (the further tool calls of a batch). */
  add(key: string, hits: number): Counter {
    const now = this.now();
    const client = this.clientOf(key, now);
    if (client.resetTime.getTime() <= now) {
      client.totalHits = 0;
      client.resetTime = new Date(now + this.windowMs);
    }
    client.totalHits += hits;
    return client;
  }

  /** Takes back one hit, when express-rate-limit decides not to count a request after all. */
  decrement(key: string): void {
    const client = this.current.get(key) ?? this.previous.get(key);
    if (client && client.totalHits > 0) client.totalHits--;
  }

  /** Forgets the caller's count. */
  resetKey(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  /** Forgets every caller's count. */
  resetAll(): void {
    this.current.clear();
    this.previous.clear();
  }

  /** The caller's counter, moved into the current generation; a new one when the caller is unknown. */
  private clientOf(key: string, now: number): Counter {
    if (now >= this.rotateAt) {
      // Two boundaries passed: everything in `current` is idle for a window too.
      this.previous = now >= this.rotateAt + this.windowMs ? new Map() : this.current;
      this.current = new Map();
      this.rotateAt = now + this.windowMs;
    }
    let client = this.current.get(key);
    if (client) return client;
    client = this.previous.get(key) ?? { totalHits: 0, resetTime: new Date(now + this.windowMs) };
    this.previous.delete(key);
    this.current.set(key, client);
    return client;
  }
}
