import { isIP } from "node:net";

/** True when `host` only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === "localhost") return true;
  const v4 = bare.toLowerCase().startsWith("::ffff:") ? bare.slice("::ffff:".length) : bare;
  if (isIP(v4) === 4) return v4.startsWith("127.");
  return isIP(bare) === 6 && /^(0{0,4}:){1,7}0{0,3}1$/.test(bare);
}
