import { jwtVerify } from "jose";
import { createJwksCache } from "../../../server/auth/jwks-cache";
import { JwksServer } from "./support/jwks-server";
import { newSigningKey, signToken, type SigningKey } from "./support/tokens";

// The signing-key cache on its own, on a clock the test moves: when it goes to the network and when it does
// not (signing-keys.test.ts covers the same through the server).

let key: SigningKey;
let jwks: JwksServer;
beforeAll(async () => {
  key = await newSigningKey("k1");
  jwks = new JwksServer([key.jwk]);
  await jwks.start();
});
afterAll(() => jwks.stop());
beforeEach(() => {
  jwks.failWith = undefined;
});

const verifyWith = async (cache: ReturnType<typeof createJwksCache>) =>
  jwtVerify(await signToken({ sub: "x" }, key), cache.getKey);

async function fetchesReach(count: number): Promise<void> {
  // A background refresh: wait for it to reach the endpoint (the test's timeout bounds the wait).
  while (jwks.fetches < count) await new Promise((resolve) => setTimeout(resolve, 10));
}

test("fresh keys are used without fetching until they are ten minutes old, then refreshed once", async () => {
  const clock = { now: 1_000_000 };
  const cache = createJwksCache(jwks.uri, { now: () => clock.now });
  const before = jwks.fetches;
  expect(await cache.warmUp()).toBe(true);
  expect(jwks.fetches).toBe(before + 1);
  // Past the 30 s cooldown, short of ten minutes: no fetch.
  for (const later of [31_000, 300_000, 599_999]) {
    clock.now = 1_000_000 + later;
    await verifyWith(cache);
    expect(jwks.fetches).toBe(before + 1);
  }
  clock.now = 1_000_000 + 600_000;
  await verifyWith(cache);
  await fetchesReach(before + 2);
  // Refreshed just now: fresh again.
  await verifyWith(cache);
  clock.now += 31_000;
  await verifyWith(cache);
  expect(jwks.fetches).toBe(before + 2);
});

test("warming up a cache that has keys does not fetch again", async () => {
  const clock = { now: 5_000_000 };
  const cache = createJwksCache(jwks.uri, { now: () => clock.now });
  expect(await cache.warmUp()).toBe(true);
  const after = jwks.fetches;
  clock.now += 31_000;
  expect(await cache.warmUp()).toBe(true);
  expect(jwks.fetches).toBe(after);
});

test("without an onFetchError a failed fetch still only leaves the cache without keys", async () => {
  jwks.failWith = 500;
  const cache = createJwksCache(jwks.uri);
  expect(await cache.warmUp()).toBe(false);
  expect(cache.hasKeys()).toBe(false);
});
