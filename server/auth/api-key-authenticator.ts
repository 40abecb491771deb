import type { ApiKeyEntry } from "./api-key-config";
import { createApiKeyVerifier } from "./api-key-verifier";
import type { Authenticator, CredentialHeader } from "./authenticator";
import { presentedCredential } from "./authenticator";
import { JsonRpcCode } from "../http/json-rpc-error";
import { bearerChallenge } from "./challenge";
import { API_KEY_HEADERS } from "../contract";

/** Header names an API key is accepted in, besides `Authorization: Bearer <key>`. */
export { API_KEY_HEADERS };
/** Where an API key is read from, in this order (the first present wins). */
const API_KEY_SOURCES: readonly CredentialHeader[] = [...API_KEY_HEADERS, "authorization"];

/**
 * API keys from `api-key`, `x-api-key` or `Authorization: Bearer` (first present wins). The challenge has
 * no resource_metadata: there is no OAuth server to discover, and pointing clients at one would start a
 * sign-in flow that cannot succeed.
 */
export function createApiKeyAuthenticator(entries: readonly ApiKeyEntry[]): Authenticator {
  const match = createApiKeyVerifier(entries);
  const unauthorized = (message: string, reason: string, error?: string, presented = true) => ({
    ok: false as const,
    status: 401 as const,
    code: JsonRpcCode.Unauthorized,
    message: `Unauthorized: ${message}`,
    challenge: bearerChallenge({ realm: "mcp", error }),
    reason,
    presented,
  });
  return async (req) => {
    const credential = presentedCredential(req, API_KEY_SOURCES);
    if (credential?.in === "query") {
      return unauthorized(
        "send the API key in a header, not the URL",
        `credential in query parameter '${credential.name}'`,
        "invalid_request",
      );
    }
    if (credential === undefined) {
      return unauthorized(
        "an API key is required in the api-key, x-api-key or Authorization: Bearer header",
        "no API key",
        undefined,
        false,
      );
    }
    if (credential.value === undefined)
      return unauthorized("malformed Authorization header", "malformed bearer header", "invalid_token");
    const label = match(credential.value);
    if (label === undefined)
      return unauthorized("the API key is not valid", "unknown API key", "invalid_token");
    return {
      ok: true,
      // The label is the only name an API-key caller has (MCP_CALLER_NAME and x-mcp-caller-name in front mode).
      caller: { kind: "apikey", id: label, name: label, apiKeyLabel: label, scopes: [], roles: [] },
      clientId: label,
    };
  };
}
