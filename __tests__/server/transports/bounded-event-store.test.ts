import { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { BoundedEventStore } from "../../../server/transports/bounded-event-store";

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
    const store = new BoundedEventStore(100, 60_000);
    const first = await store.storeEvent("a", {} as JSONRPCMessage);
    await store.storeEvent("a", ping(1));
    await store.storeEvent("b", ping(2));
    await store.storeEvent("a", ping(3));
    expect(await replay(store, first)).toEqual([1, 3]);
    expect(await store.getStreamIdForEventId(first)).toBe("a");
  });

  it("keeps at most maxEvents, dropping the oldest", async () => {
    const store = new BoundedEventStore(3, 60_000);
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await store.storeEvent("a", ping(i)));
    expect(store.size).toBe(3);
    expect(await store.getStreamIdForEventId(ids[6])).toBeUndefined();
    expect(await replay(store, ids[7])).toEqual([8, 9]);
  });

  it("forgets events older than maxAgeMs, and refuses to resume from one", async () => {
    let now = 1_000;
    const store = new BoundedEventStore(100, 500, () => now);
    const old = await store.storeEvent("a", ping(1));
    now += 400;
    const recent = await store.storeEvent("a", ping(2));
    now += 200;
    expect(store.size).toBe(1);
    await expect(replay(store, old)).rejects.toThrow(/unknown or has expired/);
    expect(await store.getStreamIdForEventId(recent)).toBe("a");
  });
});
