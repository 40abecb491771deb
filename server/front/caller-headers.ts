import type { CallerIdentity } from "../auth/types";

/** The documented identity headers the front sets toward the upstream (values percent-encoded UTF-8). */
export const CALLER_ID_HEADER = "x-mcp-caller-id";
/** The caller's display name (token name or API-key label). */
export const CALLER_NAME_HEADER = "x-mcp-caller-name";
/** How the caller authenticated: `entra`, `apikey` or `anonymous`. */
export const CALLER_KIND_HEADER = "x-mcp-caller-kind";

/**
 * The validated caller as plain headers for the upstream: who, never a token or key. Values are
 * percent-encoded so any name (accents, quotes) survives as a header value; decode with decodeURIComponent.
 */
export function callerHeaders(caller: CallerIdentity): Record<string, string> {
  const headers: Record<string, string> = {
    [CALLER_ID_HEADER]: encodeURIComponent(caller.id),
    [CALLER_KIND_HEADER]: caller.kind,
  };
  const name = callerName(caller);
  if (name !== undefined) headers[CALLER_NAME_HEADER] = encodeURIComponent(name);
  return headers;
}

/** The name the upstream is told (x-mcp-caller-name, MCP_CALLER_NAME): display name, else UPN, else key label. */
export function callerName(caller: CallerIdentity): string | undefined {
  return caller.name ?? caller.upn ?? caller.apiKeyLabel;
}
