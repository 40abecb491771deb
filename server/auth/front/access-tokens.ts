import { randomUUID } from "node:crypto";
import type { EntraVerdict } from "../entra-verifier";
import type { CallerIdentity } from "../types";
import type { Sealer } from "./sealed";

/** What a front access token carries: the Entra caller, the MCP client and the resource (audience). */
interface AccessClaims {
  aud: string;
  client_id: string;
  caller: CallerIdentity;
  exp: number;
}

/**
 * The front's own access token: sealed under MCP_OAUTH_FRONT_KEY, for one resource, client and caller,
 * expiring after `ttlSeconds`.
 */
export async function mintAccessToken(
  sealer: Sealer,
  ttlSeconds: number,
  claims: { resource: string; clientId: string; caller: CallerIdentity },
): Promise<string> {
  return sealer.seal(
    "access",
    { aud: claims.resource, client_id: claims.clientId, caller: { ...claims.caller }, jti: randomUUID() },
    ttlSeconds,
  );
}

/**
 * A front access token for `resource` (the MCP URL of the endpoint the request reached): the caller it was
 * issued for, exactly as a direct Entra token of the same user would give it, or why it is refused.
 */
export async function verifyAccessToken(
  sealer: Sealer,
  token: string,
  resource: string,
): Promise<EntraVerdict> {
  const claims = await sealer.open<AccessClaims>("access", token);
  if (claims === undefined) {
    return {
      outcome: "invalid_token",
      reason: "front access token is not valid (altered, expired or another key)",
    };
  }
  if (claims.aud !== resource) {
    return { outcome: "invalid_token", reason: "front access token was issued for another resource" };
  }
  return { outcome: "ok", caller: claims.caller, expiresAt: claims.exp };
}
