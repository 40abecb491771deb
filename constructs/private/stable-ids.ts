import { createHash } from "node:crypto";

/** RFC 4122 URL namespace; the names hashed under it are this library's own, so ids never collide with others. */
const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";

/**
 * A name-based UUID (version 5, RFC 4122 §4.3) of `name` in `namespace`. Entra scope and app role ids must be
 * GUIDs that never change once published; deriving them from the construct path keeps synth deterministic
 * and offline (no `random_uuid` resource, no state needed to know them).
 */
export function stableUuid(name: string, namespace: string = URL_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ""), "hex");
  const bytes = createHash("sha1").update(namespaceBytes).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A GUID in its 8-4-4-4-12 hexadecimal form, either case (tenant, client and object ids). */
export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
