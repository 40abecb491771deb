import type { Options } from "express-rate-limit";
import { FixedWindowStore } from "../../../server/http/fixed-window-store";

function storeAt(start: number): { store: FixedWindowStore; advance: (ms: number) => void } {
  let now = start;
  const store = new FixedWindowStore(() => now);
  store.init({ windowMs: 1_000 } as Options);
  return { store, advance: (ms) => (now += ms) };
}

describe("FixedWindowStore", () => {
  it("counts a caller's hits in a window that starts at its first hit and ends windowMs later", () => {
    const { store, advance } = storeAt(10_000);
    expect(store.increment("a")).toEqual({ totalHits: 1, resetTime: new Date(11_000) });
    advance(999);
    expect(store.increment("a")).toEqual({ totalHits: 2, resetTime: new Date(11_000) });
    expect(store.get("a")).toEqual({ totalHits: 2, resetTime: new Date(11_000) });
    advance(1);
    expect(store.get("a")).toBeUndefined();
    expect(store.increment("a")).toEqual({ totalHits: 1, resetTime: new Date(12_000) });
  });

  it("keeps callers apart; decrement and resetKey touch one caller", () => {
    const { store } = storeAt(0);
    store.increment("a");
    store.increment("a");
    store.increment("b");
    store.decrement("a");
    expect(store.get("a")?.totalHits).toBe(1);
    store.resetKey("b");
    expect(store.get("b")).toBeUndefined();
    expect(store.get("a")?.totalHits).toBe(1);
  });

  it("forgets a caller only once its window is over, however many windows pass between calls", () => {
    const { store, advance } = storeAt(0);
    advance(900);
    store.increment("late"); // window until 1900; the store rotates at 1000
    advance(200);
    store.increment("other"); // rotation: "late" moves to the previous generation
    expect(store.get("late")?.totalHits).toBe(1);
    advance(5_000);
    store.increment("other"); // two boundaries passed: everything idle is dropped
    expect(store.get("late")).toBeUndefined();
    expect(store.increment("late").totalHits).toBe(1);
  });
});
