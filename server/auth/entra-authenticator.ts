import type { EntraAuthConfig } from "./config";
import type { Authentication, Authenticator } from "./authenticator";
import { presentedCredential } from "./authenticator";
import { JsonRpcCode } from "../http/json-rpc-error";
import { bearerChallenge } from "./challenge";
import { createEntraVerifier, type EntraVerdict } from "./entra-verifier";
import type { JwksCache } from "./jwks-cache";
import { createSealer, looksSealed } from "./front/sealed";
import { verifyAccessToken as verifyFrontToken } from "./front/access-tokens";
import { protectedResourceOf, publicBaseUrl, resourceMetadataUrl } from "./public-url";
import { fullScopes } from "./scopes";
import { createVerifiedTokenCache, type VerifiedTokenCacheOptions } from "./verified-token-cache";

/** Bearer tokens from Entra ID, only from the Authorization header. */
export function createEntraAuthenticator(
  config: EntraAuthConfig,
  jwks: JwksCache,
  publicUrl: string | undefined,
  cacheOptions?: VerifiedTokenCacheOptions,
): Authenticator {
  const verifyInFull = createEntraVerifier(config, jwks);
  const verified = createVerifiedTokenCache<Extract<EntraVerdict, { outcome: "ok" }>>(cacheOptions);
  const verify = async (token: string): Promise<EntraVerdict> => {
    const cached = verified.get(token);
    if (cached !== undefined) return cached;
    const verdict = await verifyInFull(token);
    if (verdict.outcome === "ok") verified.set(token, verdict);
    return verdict;
  };
  const scope = fullScopes(config).join(" ");
  // With the authorization front, its own (sealed) access tokens are accepted next to Entra's, for the
  // resource the request reached; both give the same CallerIdentity for the same user.
  const frontSealer = config.front && createSealer(config.front.key, config.front.issuer);
  return async (req) => {
    const resource_metadata = resourceMetadataUrl(req, publicUrl);
    const unauthorized = (message: string, reason: string, error?: string, presented = true) => ({
      ok: false as const,
      status: 401 as const,
      code: JsonRpcCode.Unauthorized,
      message: `Unauthorized: ${message}`,
      challenge: bearerChallenge({ resource_metadata, scope, error, error_description: error && message }),
      reason,
      presented,
    });

    const credential = presentedCredential(req, ["authorization"]);
    if (credential?.in === "query") {
      return unauthorized(
        "send the token in the Authorization header, not the URL",
        `credential in query parameter '${credential.name}'`,
        "invalid_request",
      );
    }
    if (credential === undefined)
      return unauthorized("a bearer token is required", "no bearer token", undefined, false);
    if (credential.value === undefined)
      return unauthorized("malformed Authorization header", "malformed bearer header", "invalid_token");

    const token = credential.value;
    const verdict =
      frontSealer && looksSealed(token)
        ? await verifyFrontToken(
            frontSealer,
            token,
            `${publicBaseUrl(req, publicUrl)}${protectedResourceOf(req)}`,
          )
        : await verify(token);
    return answerFor(verdict, unauthorized, scope, resource_metadata);
  };
}

/** The 401 answer for a refused credential; `createEntraAuthenticator` builds it per request. */
type Unauthorized = (message: string, reason: string, error?: string) => Authentication;

/** What the request gets for its token's verdict: the caller, or a 401, 403 or 503 with its challenge. */
function answerFor(
  verdict: EntraVerdict,
  unauthorized: Unauthorized,
  scope: string,
  resource_metadata: string,
): Authentication {
  switch (verdict.outcome) {
    case "ok":
      return {
        ok: true,
        caller: verdict.caller,
        clientId: verdict.caller.appId ?? verdict.caller.id,
        expiresAt: verdict.expiresAt,
      };
    case "invalid_token":
      return unauthorized("the access token is invalid or expired", verdict.reason, "invalid_token");
    case "insufficient_scope":
      return {
        ok: false,
        status: 403,
        code: JsonRpcCode.Forbidden,
        message: `Forbidden: ${verdict.reason}`,
        challenge: bearerChallenge({
          error: "insufficient_scope",
          scope,
          resource_metadata,
          error_description: verdict.reason,
        }),
        reason: verdict.reason,
        presented: true,
      };
    case "keys_unavailable":
      return {
        ok: false,
        status: 503,
        code: JsonRpcCode.AuthUnavailable,
        message: "Service unavailable: token signing keys could not be fetched",
        reason: verdict.reason,
        presented: true,
      };
  }
}
