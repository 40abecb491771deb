import { createVerifiedTokenCache } from "../../../server/auth/verified-token-cache";

const T0 = 1_700_000_000_000;
const exp = (ms: number) => (T0 + ms) / 1000;

describe("verified token cache", () => {
  test("returns an entry until maxAge passes", () => {
    let clock = T0;
    const cache = createVerifiedTokenCache({ maxAgeMs: 1000, now: () => clock });
    cache.set("a.b.c", { expiresAt: exp(60_000) });
    clock += 999;
    expect(cache.get("a.b.c")).toEqual({ expiresAt: exp(60_000) });
    clock += 1;
    expect(cache.get("a.b.c")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  test("never trusts a token past its exp, even within maxAge", () => {
    let clock = T0;
    const cache = createVerifiedTokenCache({ maxAgeMs: 60_000, now: () => clock });
    cache.set("a.b.c", { expiresAt: exp(500) });
    clock += 500;
    expect(cache.get("a.b.c")).toBeUndefined();
  });

  test("misses for a token that differs in any byte", () => {
    const cache = createVerifiedTokenCache({ now: () => T0 });
    cache.set("a.b.c", { expiresAt: exp(60_000) });
    expect(cache.get("a.b.d")).toBeUndefined();
  });

  test("drops the oldest entry beyond maxEntries; 0 turns it off", () => {
    const cache = createVerifiedTokenCache({ maxEntries: 2, now: () => T0 });
    for (const t of ["t1", "t2", "t3"]) cache.set(t, { expiresAt: exp(60_000) });
    expect([cache.get("t1"), cache.get("t2"), cache.get("t3")].map((v) => v !== undefined)).toEqual([
      false,
      true,
      true,
    ]);
    const off = createVerifiedTokenCache({ maxEntries: 0, now: () => T0 });
    off.set("t1", { expiresAt: exp(60_000) });
    expect(off.get("t1")).toBeUndefined();
  });

  test("by default a verified token is trusted for 5 minutes, then verified again", () => {
    let clock = T0;
    const cache = createVerifiedTokenCache({ now: () => clock });
    cache.set("a.b.c", { expiresAt: exp(3_600_000) });
    clock += 299_999;
    expect(cache.get("a.b.c")).toBeDefined();
    clock += 1;
    expect(cache.get("a.b.c")).toBeUndefined();
  });

  test("by default it holds 10,000 tokens and then drops the oldest", () => {
    const cache = createVerifiedTokenCache({ now: () => T0 });
    for (let i = 0; i < 10_000; i++) cache.set(`t${i}`, { expiresAt: exp(60_000) });
    expect(cache.size).toBe(10_000);
    expect(cache.get("t0")).toBeDefined();
    cache.set("t10000", { expiresAt: exp(60_000) });
    expect(cache.size).toBe(10_000);
    expect(cache.get("t0")).toBeUndefined();
    expect(cache.get("t1")).toBeDefined();
  });
});
