import type { ApiKeyEntry } from "./api-key-config";
import { createApiKeyVerifier } from "./api-key-verifier";
import type { Authenticator } from "./authenticator";
import { queryCredential, readBearer } from "./authenticator";
import { bearerChallenge, UNAUTHORIZED_CODE } from "./challenge";

/** Header names an API key is accepted in, besides `Authorization: Bearer <key>`. */
export const API_KEY_HEADERS = ["api-key", "x-api-key"] as const;

/**
 * API keys from `api-key`, `x-api-key` or `Authorization: Bearer` (first present wins). The challenge has
 * no resource_metadata: there is no OAuth server to discover, and pointing clients at one would start a
 * sign-in flow that cannot succeed.
 */
export function createApiKeyAuthenticator(entries: readonly ApiKeyEntry[]): Authenticator {
  const match = createApiKeyVerifier(entries);
  const unauthorized = (message: string, reason: string, error?: string) => ({
    ok: false as const,
    status: 401 as const,
    code: UNAUTHORIZED_CODE,
    message: `Unauthorized: ${message}`,
    challenge: bearerChallenge({ realm: "mcp", error }),
    reason,
  });
  return async (req) => {
    const inQuery = queryCredential(req);
    if (inQuery !== undefined) {
      return unauthorized(
        "send the API key in a header, not the URL",
        `credential in query parameter '${inQuery}'`,
        "invalid_request",
      );
    }
    const presented = req.get(API_KEY_HEADERS[0]) ?? req.get(API_KEY_HEADERS[1]) ?? readBearer(req).token;
    if (presented === undefined) {
      return unauthorized(
        "an API key is required in the api-key, x-api-key or Authorization: Bearer header",
        "no API key",
      );
    }
    const label = match(presented);
    if (label === undefined)
      return unauthorized("the API key is not valid", "unknown API key", "invalid_token");
    return {
      ok: true,
      caller: { kind: "apikey", id: label, apiKeyLabel: label, scopes: [], roles: [] },
      clientId: label,
    };
  };
}
