import { createHash } from "node:crypto";

/**
 * A managed certificate name Azure accepts: lowercase letters, digits, `-` and `.`, starting and ending with
 * a letter or digit, no `--` (azurerm's `validate.CertificateName`), at most 60 characters.
 */
export const MANAGED_CERTIFICATE_NAME_PATTERN = /^(?!.*--)(?=.{2,60}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/;

const MAX_LENGTH = 60;

/**
 * `mc-<host with dots as hyphens>`, runs of hyphens (punycode `xn--` labels) squeezed to one. Past 60
 * characters it is cut and ends in 8 hex characters of the host's hash, so two long hosts that share a
 * prefix still get different names and a cut never leaves a trailing `-`.
 */
export function managedCertificateName(host: string): string {
  const name = `mc-${host.replace(/\./g, "-")}`.replace(/-{2,}/g, "-");
  if (name.length <= MAX_LENGTH) return name;
  const hash = createHash("sha256").update(host).digest("hex").slice(0, 8);
  return `${name.slice(0, MAX_LENGTH - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}
