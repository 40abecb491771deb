import { randomUUID } from "node:crypto";
import type { EventId, EventStore, JSONRPCMessage, StreamId } from "@modelcontextprotocol/server";
import { BudgetedStore, EventBudget } from "./event-budget";

interface StoredEvent {
  readonly streamId: StreamId;
  readonly message: JSONRPCMessage;
  readonly storedAt: number;
  readonly bytes: number;
}

/** The bounds of one session's event store (resumable SSE). */
export interface EventStoreLimits {
  /** At most this many events. */
  readonly maxEvents: number;
  /** None older than this. */
  readonly maxAgeMs: number;
  /** At most this many bytes of messages (as JSON). @default - unbounded by bytes */
  readonly maxBytes?: number;
  /** The replica-wide byte budget this store shares with every other session's. @default - none */
  readonly budget?: EventBudget;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Events kept for resumption (Last-Event-ID), bounded in count, in age and in bytes (its own, and the
 * replica's total through the shared EventBudget): the oldest go first. A Map keeps insertion order, so the
 * oldest event is always the first key. `close()` gives the bytes back when the session ends.
 */
export class BoundedEventStore implements EventStore, BudgetedStore {
  private readonly events = new Map<EventId, StoredEvent>();
  private readonly prefix = randomUUID();
  private readonly now: () => number;
  private sequence = 0;
  private storedBytes = 0;

  constructor(private readonly limits: EventStoreLimits) {
    this.now = limits.now ?? Date.now;
    limits.budget?.join(this);
  }

  /** Events held, after dropping those past the limits (tests). */
  get size(): number {
    this.evict();
    return this.events.size;
  }

  /** Bytes of the events held, as the budget counts them. */
  get bytes(): number {
    return this.storedBytes;
  }

  /** Stores `message` for resumption and returns its event id; the oldest events go past the limits. */
  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const eventId = `${this.prefix}-${++this.sequence}`;
    const bytes = Buffer.byteLength(JSON.stringify(message));
    this.events.set(eventId, { streamId, message, storedAt: this.now(), bytes });
    this.storedBytes += bytes;
    this.limits.budget?.add(bytes, this);
    this.evict();
    return eventId;
  }

  /** The stream an event id belongs to; undefined once it has been dropped. */
  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    this.evict();
    return this.events.get(eventId)?.streamId;
  }

  /** Sends the events of `lastEventId`'s stream stored after it (priming events excepted) and returns that stream; throws when the id is unknown or already dropped. */
  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    this.evict();
    const last = this.events.get(lastEventId);
    if (!last) throw new Error(`Event ${lastEventId} is unknown or has expired`);
    let after = false;
    for (const [eventId, event] of this.events) {
      if (eventId === lastEventId) after = true;
      // Priming events ({}) only carry an id for the client to resume from; they are never replayed.
      else if (after && event.streamId === last.streamId && Object.keys(event.message).length > 0) {
        await send(eventId, event.message);
      }
    }
    return last.streamId;
  }

  /** Drops the oldest event (the budget makes room this way); false when the store is empty. */
  dropOldest(): boolean {
    const [first] = this.events;
    if (first === undefined) return false;
    this.remove(first[0], first[1]);
    return true;
  }

  /** Drops the events past the age and count limits (the budget's timer calls it). */
  sweepExpired(): void {
    this.evict();
  }

  /** Drops every event and leaves the budget; the session is over. */
  close(): void {
    while (this.dropOldest());
    this.limits.budget?.leave(this);
  }

  private remove(eventId: EventId, event: StoredEvent): void {
    this.events.delete(eventId);
    this.storedBytes -= event.bytes;
    this.limits.budget?.add(-event.bytes);
  }

  private evict(): void {
    const oldestAllowed = this.now() - this.limits.maxAgeMs;
    const maxBytes = this.limits.maxBytes ?? Infinity;
    for (const [eventId, event] of this.events) {
      const within =
        this.events.size <= this.limits.maxEvents &&
        this.storedBytes <= maxBytes &&
        event.storedAt >= oldestAllowed;
      if (within) break;
      this.remove(eventId, event);
    }
  }
}
