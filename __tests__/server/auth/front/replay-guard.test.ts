import { ReplayGuard } from "../../../../server/auth/front/replay-guard";

// A code or refresh token is single use: the guard remembers spent ids until the artefact would have
// expired anyway, and stays within its bound by forgetting the oldest first.

/** A guard on a clock the test moves (milliseconds). */
function guardAt(startMs: number, maxEntries?: number) {
  const clock = { now: startMs };
  return { guard: new ReplayGuard(maxEntries, () => clock.now), clock };
}

test("an id is claimed once; the second claim is a replay", () => {
  const { guard } = guardAt(0);
  expect(guard.claim("code-1", 60)).toBe(true);
  expect(guard.claim("code-1", 60)).toBe(false);
  expect(guard.claim("code-2", 60)).toBe(true);
});

test("an id is remembered until its expiry, in seconds, and not a millisecond longer", () => {
  const { guard, clock } = guardAt(59_999);
  expect(guard.claim("code-1", 60)).toBe(true);
  expect(guard.has("code-1")).toBe(true);
  expect(guard.claim("code-1", 60)).toBe(false);
  clock.now = 60_000;
  expect(guard.has("code-1")).toBe(false);
  expect(guard.claim("code-1", 120)).toBe(true);
  expect(guard.has("code-1")).toBe(true);
});

test("an id never added is not there", () => {
  const { guard } = guardAt(0);
  expect(guard.has("nothing")).toBe(false);
  guard.add("family-1", 10);
  expect(guard.has("family-1")).toBe(true);
  expect(guard.has("family-2")).toBe(false);
});

test("claiming an id does not forget the ids still valid before it", () => {
  const { guard, clock } = guardAt(0);
  expect(guard.claim("long", 1000)).toBe(true);
  expect(guard.claim("short", 1)).toBe(true);
  clock.now = 5_000;
  expect(guard.claim("another", 1000)).toBe(true);
  expect(guard.claim("long", 1000)).toBe(false);
  expect(guard.has("long")).toBe(true);
});

test("past its bound the oldest id is forgotten first, and only as many as needed", () => {
  const { guard } = guardAt(0, 2);
  guard.add("a", 100);
  guard.add("b", 100);
  expect(guard.has("a") && guard.has("b")).toBe(true);
  guard.add("c", 100);
  expect(guard.has("a")).toBe(false);
  expect(guard.has("b")).toBe(true);
  expect(guard.has("c")).toBe(true);
  // Adding an id again makes it the newest.
  guard.add("b", 100);
  guard.add("d", 100);
  expect(guard.has("c")).toBe(false);
  expect(guard.has("b")).toBe(true);
  expect(guard.has("d")).toBe(true);
});

test("claiming drops the ids that have expired, oldest first, so a replica holds only live ones", () => {
  const { guard, clock } = guardAt(0);
  guard.claim("a", 1);
  guard.claim("b", 2);
  guard.claim("c", 100);
  expect(guard.size).toBe(3);
  // At 2 s: a has expired, and b expires this very millisecond.
  clock.now = 2_000;
  guard.claim("d", 100);
  expect(guard.size).toBe(2);
  expect(guard.has("c") && guard.has("d")).toBe(true);
});

test("purging stops at the first live id (ids arrive in about expiry order)", () => {
  const { guard, clock } = guardAt(0);
  guard.claim("long", 100);
  guard.claim("short", 1);
  clock.now = 5_000;
  guard.claim("next", 100);
  // short has expired but sits behind a live id: it stays until the bound or a later purge reaches it.
  expect(guard.size).toBe(3);
  expect(guard.has("short")).toBe(false);
});
