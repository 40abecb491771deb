/**
 * Response headers a browser-based MCP client must be able to read: the auth challenge (to find the
 * metadata and scope), the session id and the negotiated protocol version. The app's CORS layer should send
 * them in `Access-Control-Expose-Headers` on every `/mcp`, `/sse` and `/messages` response, 401s included.
 */
export const CORS_EXPOSED_HEADERS: readonly string[] = [
  "WWW-Authenticate",
  "Mcp-Session-Id",
  "Mcp-Protocol-Version",
];
