import { refusedAddress } from "../../../../server/auth/front/special-addresses";

// Where a Client ID Metadata Document may be fetched from: public unicast addresses only. Each special-use
// range is probed at its first and last address and just outside, so a range that shrank or grew shows.

const SPECIAL = "a private, link-local or otherwise special-use address";
const LOOPBACK = "a loopback address";

describe("IPv4", () => {
  test.each([
    ["0.0.0.0", "0.255.255.255", "1.0.0.0"],
    ["10.0.0.0", "10.255.255.255", "11.0.0.0"],
    ["100.64.0.0", "100.127.255.255", "100.128.0.0"],
    ["169.254.0.0", "169.254.255.255", "169.255.0.0"],
    ["172.16.0.0", "172.31.255.255", "172.32.0.0"],
    ["192.0.0.0", "192.0.0.255", "192.0.1.0"],
    ["192.0.2.0", "192.0.2.255", "192.0.3.0"],
    ["192.88.99.0", "192.88.99.255", "192.88.100.0"],
    ["192.168.0.0", "192.168.255.255", "192.169.0.0"],
    ["198.18.0.0", "198.19.255.255", "198.20.0.0"],
    ["198.51.100.0", "198.51.100.255", "198.51.101.0"],
    ["203.0.113.0", "203.0.113.255", "203.0.114.0"],
    ["224.0.0.0", "239.255.255.255", "223.255.255.255"],
    ["240.0.0.0", "255.255.255.255", "9.255.255.255"],
  ])("%s to %s are refused; %s is public", (first, last, outside) => {
    expect(refusedAddress(first, false)).toBe(SPECIAL);
    expect(refusedAddress(last, true)).toBe(SPECIAL);
    expect(refusedAddress(outside, false)).toBeUndefined();
  });

  test("loopback is refused unless allowed, and allowing it allows nothing else", () => {
    for (const address of ["127.0.0.1", "127.255.255.254"]) {
      expect(refusedAddress(address, false)).toBe(LOOPBACK);
      expect(refusedAddress(address, true)).toBeUndefined();
    }
    expect(refusedAddress("128.0.0.1", false)).toBeUndefined();
    expect(refusedAddress("10.0.0.1", true)).toBe(SPECIAL);
  });

  test("a public address is fetched from", () => {
    expect(refusedAddress("20.42.65.1", false)).toBeUndefined();
    expect(refusedAddress("8.8.8.8", true)).toBeUndefined();
  });
});

describe("IPv6", () => {
  test.each([
    ["::", "::", "::2"],
    ["64:ff9b::", "64:ff9b::ffff:ffff", "64:ff9b::1:0:0"],
    ["64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "64:ff9b:2::"],
    ["100::", "100::ffff:ffff:ffff:ffff", "100:0:0:1::"],
    ["2001::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:200::"],
    ["2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"],
    ["2002::", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2003::"],
    ["3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::"],
    ["5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "5f01::"],
    ["fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe00::"],
    ["fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    ["fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", undefined],
    ["ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", undefined],
  ])("%s to %s are refused; %s (when there is one) is not", (first, last, outside) => {
    expect(refusedAddress(first, false)).toBe(SPECIAL);
    expect(refusedAddress(last, true)).toBe(SPECIAL);
    if (outside !== undefined) expect(refusedAddress(outside, false)).toBeUndefined();
  });

  test("only ::1 is loopback, and only it is allowed with loopback", () => {
    expect(refusedAddress("::1", false)).toBe(LOOPBACK);
    expect(refusedAddress("::1", true)).toBeUndefined();
    expect(refusedAddress("::", true)).toBe(SPECIAL);
    expect(refusedAddress("fe80::1", true)).toBe(SPECIAL);
  });

  test("a public address is fetched from", () => {
    expect(refusedAddress("2603:1030:20e:3::23c", false)).toBeUndefined();
    expect(refusedAddress("2001:4860:4860::8888", true)).toBeUndefined();
  });

  test("an IPv4 address written as IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it is", () => {
    expect(refusedAddress("::ffff:10.20.30.40", false)).toBe(SPECIAL);
    expect(refusedAddress("::FFFF:192.168.10.20", false)).toBe(SPECIAL);
    expect(refusedAddress("::ffff:127.0.0.1", false)).toBe(LOOPBACK);
    expect(refusedAddress("::ffff:127.0.0.1", true)).toBeUndefined();
    expect(refusedAddress("::ffff:20.42.65.10", false)).toBeUndefined();
    // The same in hexadecimal: ::ffff:a00:1 is 10.0.0.1, ::ffff:7f00:1 is 127.0.0.1.
    expect(refusedAddress("::ffff:a00:1", false)).toBe(SPECIAL);
    expect(refusedAddress("::ffff:7f00:1", false)).toBe(LOOPBACK);
    expect(refusedAddress("::ffff:142a:410a", false)).toBeUndefined();
  });
});
