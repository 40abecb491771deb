import { BlockList, isIPv4 } from "node:net";

// IANA special-purpose registries (IPv4, IPv6) plus multicast: nothing a public client metadata document
// can live on. Loopback is listed apart so tests on a loopback issuer may allow it.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

const SPECIAL = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  SPECIAL.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["3fff::", 20],
  ["5f00::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  SPECIAL.addSubnet(network, prefix, "ipv6");
}

/**
 * Why `address` may not be fetched from, or undefined when it is a public unicast address. An IPv4-mapped
 * IPv6 address (`::ffff:10.0.0.1`) is judged by the IPv4 rules: BlockList applies them to it.
 */
export function refusedAddress(address: string, allowLoopback: boolean): string | undefined {
  const family = isIPv4(address) ? "ipv4" : "ipv6";
  if (LOOPBACK.check(address, family)) return allowLoopback ? undefined : "a loopback address";
  if (SPECIAL.check(address, family)) return "a private, link-local or otherwise special-use address";
  return undefined;
}
