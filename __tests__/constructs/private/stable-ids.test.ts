import { GUID_PATTERN, stableUuid } from "../../../constructs/private/stable-ids";

describe("stableUuid", () => {
  it("matches the RFC 4122 version 5 test vector", () => {
    // uuid5(NAMESPACE_DNS, "www.example.com"), as Python's uuid module computes it.
    expect(stableUuid("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  it("is a version 5 GUID that changes with its name", () => {
    const a = stableUuid("prod/Api:scope");
    expect(a).toMatch(GUID_PATTERN);
    expect(a[14]).toBe("5");
    expect(stableUuid("prod/Api:scope")).toBe(a);
    expect(stableUuid("prod/Api:role")).not.toBe(a);
  });
});
