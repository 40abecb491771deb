/** An IPv4 CIDR range, parsed: the first address as a 32-bit number and the prefix length. */
export interface Ipv4Cidr {
  readonly start: number;
  readonly prefixLength: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; undefined when it is not an IPv4 CIDR whose address is the first of its range. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefixLength > 32) return undefined;
  const start = octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - prefixLength);
  return start % size === 0 ? { start, prefixLength } : undefined;
}

/** Whether `inner` lies entirely within `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  const outerEnd = outer.start + 2 ** (32 - outer.prefixLength);
  const innerEnd = inner.start + 2 ** (32 - inner.prefixLength);
  return inner.start >= outer.start && innerEnd <= outerEnd;
}
