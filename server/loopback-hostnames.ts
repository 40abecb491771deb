/** Host names that reach only this machine: the default Host allow-list, and page origins always allowed. */
export const LOOPBACK_HOSTNAMES: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];
