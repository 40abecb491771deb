import { isLoopbackHost } from "../../../server/auth/loopback";

// AUTH_MODE=none serves without authentication only on a loopback HOST: a host this accepts wrongly
// puts an open server on the network, one it refuses wrongly stops a local server from starting.
describe("isLoopbackHost: only addresses of this machine count as loopback", () => {
  it.each([
    "127.0.0.1",
    "127.255.255.254",
    "localhost",
    "LocalHost",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "0000:0000:0000:0000:0000:0000:0000:0001",
    "::ffff:127.0.0.1",
    "::FFFF:127.0.0.1",
    "[::ffff:127.0.0.1]",
  ])("%s is loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    "0.0.0.0",
    "10.0.0.1",
    "128.0.0.1",
    "1.127.0.0",
    "::",
    "::2",
    "::11",
    "1::1",
    "::1:1",
    "2001:db8::1",
    "fe80::1",
    "[fe80::1]",
    "::ffff:10.0.0.1",
    "[::1",
    "::1]",
    // Brackets are taken off only when they enclose the whole host.
    "[127.0.0.12",
    "x127.0.0.1]",
    "[localhostx",
    "xlocalhost]",
    // Look like ::1 to a pattern but are no IPv6 address at all.
    ":1",
    "0:0:1",
    "localhost.example.com",
    "127.0.0.1.example.com",
    "",
  ])("%s is not loopback", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
