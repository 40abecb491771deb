import { randomUUID } from "node:crypto";
import type { EventId, EventStore, JSONRPCMessage, StreamId } from "@modelcontextprotocol/server";

interface StoredEvent {
  readonly streamId: StreamId;
  readonly message: JSONRPCMessage;
  readonly storedAt: number;
}

/**
 * Events kept for resumption (Last-Event-ID), bounded in count and in age: the oldest go first. Unlike the
 * SDK's sample in-memory store, memory stays flat however long the server runs. A Map keeps insertion order,
 * so the oldest event is always the first key.
 */
export class BoundedEventStore implements EventStore {
  private readonly events = new Map<EventId, StoredEvent>();
  private readonly prefix = randomUUID();
  private sequence = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    this.evict();
    return this.events.size;
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const eventId = `${this.prefix}-${++this.sequence}`;
    this.events.set(eventId, { streamId, message, storedAt: this.now() });
    this.evict();
    return eventId;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    this.evict();
    return this.events.get(eventId)?.streamId;
  }

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

  private evict(): void {
    const oldestAllowed = this.now() - this.maxAgeMs;
    for (const [eventId, event] of this.events) {
      if (this.events.size <= this.maxEvents && event.storedAt >= oldestAllowed) break;
      this.events.delete(eventId);
    }
  }
}
