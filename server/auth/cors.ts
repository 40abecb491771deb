/**
 * Response headers a browser-based MCP client must be able to read: the auth challenge (to find the
 * metadata and scope), the session id and the negotiated protocol version. The app's CORS layer should send
 * them in `Access-Control-Expose-Headers` on every `/mcp`, `/sse` and `/messages` response, 401s included.
 * The list is the contract's: `McpContainerApp` configures the ingress's CORS policy from the same constant.
 */
export { CORS_EXPOSED_HEADERS } from "../contract";
