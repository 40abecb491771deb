import crypto from "node:crypto";
import { createApiKeyVerifier } from "../../../server/auth/api-key-verifier";

const KEYS = [
  { label: "old", key: "old-key-0123456789abcdef" },
  { label: "new", key: "new-key-fedcba9876543210" },
  { label: "ci", key: "ci-key-a-much-longer-one-0123456789" },
];

describe("createApiKeyVerifier", () => {
  const verify = createApiKeyVerifier(KEYS);

  it("returns the label of the key presented, and nothing for any other string", () => {
    expect(KEYS.map(({ key }) => verify(key))).toEqual(["old", "new", "ci"]);
    for (const other of [
      "",
      "old-key-0123456789abcde",
      "old-key-0123456789abcdef ",
      "OLD-KEY-0123456789ABCDEF",
    ]) {
      expect(verify(other)).toBeUndefined();
    }
  });

  // Timing cannot be measured reliably through the API, so the test checks how the comparison is made: a
  // `===` or Buffer.equals stops at the first differing byte; timingSafeEqual on equal-length digests does not.
  describe("compares in constant time", () => {
    let timingSafeEqual: jest.SpyInstance<boolean, [NodeJS.ArrayBufferView, NodeJS.ArrayBufferView]>;
    beforeEach(() => (timingSafeEqual = jest.spyOn(crypto, "timingSafeEqual")));
    afterEach(() => timingSafeEqual.mockRestore());

    it.each([
      ["the first key", KEYS[0].key, "old"],
      ["the last key", KEYS[2].key, "ci"],
      ["no key", "a-wrong-key-of-another-length", undefined],
    ])(
      "presented %s: every configured key is compared with crypto.timingSafeEqual, on 32-byte digests",
      (_what, presented, label) => {
        expect(verify(presented)).toBe(label);
        expect(timingSafeEqual).toHaveBeenCalledTimes(KEYS.length);
        for (const [a, b] of timingSafeEqual.mock.calls) {
          expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
        }
      },
    );
  });

  it("names the first entry when two entries hold the same key", () => {
    const twice = createApiKeyVerifier([
      { label: "first", key: "same-key-0123456789abcdef" },
      { label: "second", key: "same-key-0123456789abcdef" },
    ]);
    expect(twice("same-key-0123456789abcdef")).toBe("first");
  });
});
