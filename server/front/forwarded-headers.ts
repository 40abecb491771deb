import type { IncomingHttpHeaders } from "node:http";

/**
 * Request headers the front passes to an HTTP upstream: the MCP ones and trace context. An allow-list, so
 * Authorization, cookies, hop-by-hop headers and anything a client invents (a forged x-mcp-caller-id)
 * stay behind.
 */
const REQUEST_HEADERS = [
  "accept",
  "content-type",
  "mcp-protocol-version",
  "mcp-session-id",
  "mcp-method",
  "mcp-name",
  "last-event-id",
  "traceparent",
  "tracestate",
];

/** Response headers the front passes back: what an MCP client reads. Set-Cookie and hop-by-hop stay behind. */
export const RESPONSE_HEADERS = ["content-type", "mcp-session-id", "mcp-protocol-version", "cache-control"];

/** The request headers relayed to an HTTP upstream: only those of REQUEST_HEADERS, never Authorization. */
export function forwardedRequestHeaders(incoming: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REQUEST_HEADERS) {
    const value = incoming[name];
    if (typeof value === "string") out[name] = value;
  }
  return out;
}
