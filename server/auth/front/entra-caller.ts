import type { EntraVerdict } from "../entra-verifier";
import type { CallerIdentity } from "../types";
import { EntraTokenError } from "./entra-client";

/** Signs the caller in at Entra with what it returned; a refused token is an access_denied. */
export async function callerFrom(
  verifyEntraToken: (token: string) => Promise<EntraVerdict>,
  accessToken: string,
): Promise<CallerIdentity> {
  const verdict = await verifyEntraToken(accessToken);
  if (verdict.outcome !== "ok") throw new EntraTokenError("invalid_token", verdict.reason);
  return verdict.caller;
}
