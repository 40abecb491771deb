import { errors, jwtVerify, type JWTPayload } from "jose";
import type { EntraAuthConfig } from "./config";
import type { JwksCache } from "./jwks-cache";
import type { CallerIdentity } from "./types";

/** What became of one bearer token. `reason` is safe to log: it never contains the token. */
export type EntraVerdict =
  | {
      /** The token is valid for this API and carries a required scope or role. */
      readonly outcome: "ok";
      /** Who the token names (oid, name, scopes, roles). */
      readonly caller: CallerIdentity;
      /** The token's `exp`, in seconds since the epoch. */
      readonly expiresAt: number;
    }
  | {
      /** Refused: bad token (401), no required scope or role (403), or the signing keys unreachable (503). */
      readonly outcome: "invalid_token" | "insufficient_scope" | "keys_unavailable";
      /** Why, for the log line (never the token). */
      readonly reason: string;
    };

/** Clock skew tolerated on `exp` and `nbf`: at most 60 s, since every second of it extends an expired token. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Validates Entra access tokens: RS256 signature against the tenant's JWKS, issuer and audience in the
 * configured lists, `exp` required, `nbf` honoured; then authorizes: delegated tokens (with `scp`) need one
 * of the required scopes, app-only tokens (with `roles`, no `scp`) one of the required roles.
 */
export function createEntraVerifier(config: EntraAuthConfig, jwks: JwksCache) {
  return async function verify(token: string): Promise<EntraVerdict> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks.getKey, {
        algorithms: ["RS256"],
        issuer: [...config.issuers],
        audience: [...config.audiences],
        requiredClaims: ["exp"],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      const outcome = !jwks.hasKeys() && isKeyFetchFailure(error) ? "keys_unavailable" : "invalid_token";
      return { outcome, reason: describe(error) };
    }
    const oid = stringClaim(payload, "oid");
    if (oid === undefined) return { outcome: "invalid_token", reason: "token has no oid claim" };
    const scopes = (stringClaim(payload, "scp") ?? "").split(" ").filter((s) => s !== "");
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r) => typeof r === "string") : [];
    const delegated = scopes.length > 0;
    const authorized = delegated
      ? scopes.some((s) => config.requiredScopes.includes(s))
      : roles.some((r) => config.requiredRoles.includes(r));
    if (!authorized) {
      const reason = delegated
        ? `delegated token lacks a required scope (${config.requiredScopes.join(", ")})`
        : `app-only token lacks a required role (${config.requiredRoles.join(", ")})`;
      return { outcome: "insufficient_scope", reason };
    }
    const caller: CallerIdentity = {
      kind: "entra",
      id: oid,
      name: stringClaim(payload, "name"),
      upn: stringClaim(payload, "preferred_username") ?? stringClaim(payload, "upn"),
      objectId: oid,
      tenantId: stringClaim(payload, "tid"),
      appId: stringClaim(payload, "azp") ?? stringClaim(payload, "appid"),
      scopes,
      roles,
    };
    return { outcome: "ok", caller, expiresAt: payload.exp as number };
  };
}

// Errors raised while fetching the JWKS (network, timeout, non-200, cooldown) rather than by the token.
function isKeyFetchFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return error.code === errors.JWKSTimeout.code || error.code === errors.JOSEError.code;
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

// jose messages name the failed check (e.g. `unexpected "aud" claim value`), never the token or claim values.
function describe(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : "token verification failed";
}
