import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from "@modelcontextprotocol/server";

export const MODERN_VERSION = "2026-07-28";

/** A raw 2026-07-28 request: the per-request `_meta` envelope plus `extraMeta` (logLevel, traceparent, ...). */
export function modernRequest(
  id: number | string,
  method: string,
  params: Record<string, unknown> = {},
  extraMeta: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    jsonrpc: "2.0",
    id,
    method,
    params: {
      ...params,
      _meta: {
        [PROTOCOL_VERSION_META_KEY]: MODERN_VERSION,
        [CLIENT_INFO_META_KEY]: { name: "raw-modern", version: "1" },
        [CLIENT_CAPABILITIES_META_KEY]: {},
        ...extraMeta,
      },
    },
  };
}

/** The HTTP headers a 2026-07-28 client sends with a request (Mcp-Method, Mcp-Name for tools/call). */
export function modernHeaders(method: string, name?: string): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": MODERN_VERSION,
    "mcp-method": method,
    ...(name === undefined ? {} : { "mcp-name": name }),
  };
}
