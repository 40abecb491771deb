import { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { BoundedEventStore } from "../../../server/transports/bounded-event-store";
import { EventBudget } from "../../../server/transports/event-budget";

const ping = (id: number): JSONRPCMessage => ({ jsonrpc: "2.0", id, method: "ping" });

async function replay(store: BoundedEventStore, after: string): Promise<number[]> {
  const ids: number[] = [];
  await store.replayEventsAfter(after, {
    send: async (_eventId, message) => void ids.push((message as { id: number }).id),
  });
  return ids;
}

describe("BoundedEventStore", () => {
  it("replays the events of the same stream after the given one, skipping priming events", async () => {
    const store = new BoundedEventStore({ maxEvents: 100, maxAgeMs: 60_000 });
    const first = await store.storeEvent("a", {} as JSONRPCMessage);
    await store.storeEvent("a", ping(1));
    await store.storeEvent("b", ping(2));
    await store.storeEvent("a", ping(3));
    expect(await replay(store, first)).toEqual([1, 3]);
    expect(await store.getStreamIdForEventId(first)).toBe("a");
  });

  it("keeps at most maxEvents, dropping the oldest", async () => {
    const store = new BoundedEventStore({ maxEvents: 3, maxAgeMs: 60_000 });
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await store.storeEvent("a", ping(i)));
    expect(store.size).toBe(3);
    expect(await store.getStreamIdForEventId(ids[6])).toBeUndefined();
    expect(await replay(store, ids[7])).toEqual([8, 9]);
  });

  it("forgets events older than maxAgeMs, and refuses to resume from one", async () => {
    let now = 1_000;
    const store = new BoundedEventStore({ maxEvents: 100, maxAgeMs: 500, now: () => now });
    const old = await store.storeEvent("a", ping(1));
    now += 400;
    const recent = await store.storeEvent("a", ping(2));
    now += 200;
    expect(store.size).toBe(1);
    await expect(replay(store, old)).rejects.toThrow(/unknown or has expired/);
    expect(await store.getStreamIdForEventId(recent)).toBe("a");
  });

  it("keeps at most maxBytes of messages, dropping the oldest, and counts what it holds", async () => {
    const big = (id: number): JSONRPCMessage => ({
      jsonrpc: "2.0",
      id,
      method: "ping",
      params: { pad: "x".repeat(1000) },
    });
    const eventBytes = Buffer.byteLength(JSON.stringify(big(1)));
    const store = new BoundedEventStore({ maxEvents: 100, maxAgeMs: 60_000, maxBytes: 3 * eventBytes + 10 });
    const ids = [];
    for (let i = 1; i <= 6; i++) ids.push(await store.storeEvent("a", big(i)));
    expect(store.size).toBe(3);
    expect(store.bytes).toBe(3 * eventBytes);
    expect(await replay(store, ids[3])).toEqual([5, 6]);
  });
});

describe("EventBudget", () => {
  const sized = (id: number): JSONRPCMessage => ({
    jsonrpc: "2.0",
    id,
    method: "ping",
    params: { pad: "y".repeat(500) },
  });
  const bytesOf = Buffer.byteLength(JSON.stringify(sized(10))); // every id below has two digits

  it("bounds the bytes of all stores together, taking the other stores' oldest events first", async () => {
    const budget = new EventBudget(4 * bytesOf);
    const quiet = new BoundedEventStore({ maxEvents: 100, maxAgeMs: 60_000, budget });
    const busy = new BoundedEventStore({ maxEvents: 100, maxAgeMs: 60_000, budget });
    await quiet.storeEvent("q", sized(11));
    await quiet.storeEvent("q", sized(12));
    for (let i = 10; i < 20; i++) await busy.storeEvent("b", sized(i));
    expect(budget.bytes).toBeLessThanOrEqual(4 * bytesOf);
    expect(budget.bytes).toBe(quiet.bytes + busy.bytes);
    expect(quiet.size).toBe(0);
    expect(busy.size).toBe(4);
    busy.close();
    expect(budget.bytes).toBe(0);
  });

  it("sweeps expired events of every store on sweep(), without the stores being touched", async () => {
    let now = 0;
    const budget = new EventBudget(1_000_000);
    const stores = [1, 2].map(
      () => new BoundedEventStore({ maxEvents: 100, maxAgeMs: 1000, budget, now: () => now }),
    );
    for (const store of stores) await store.storeEvent("s", sized(13));
    expect(budget.bytes).toBe(2 * bytesOf);
    now = 5000;
    budget.sweep();
    expect(budget.bytes).toBe(0);
  });
});
