/**
 * What the constructs and the server must agree on, in one place: the variables `McpContainerApp` sets,
 * the paths its probes, Easy Auth and Entra registration point at, and the headers its CORS policy lets
 * through. Both `constructs/` and `server/` import these constants, so renaming one side alone fails the
 * type check. Plain constants only: the constructs import this file, and it sits in `server/` because the
 * server image's build context is `server/` (server/Dockerfile, .dockerignore).
 */

/** Liveness: the process is up, no dependency calls. */
export const LIVENESS_PATH = "/healthz";
/** Readiness: 503 while draining or while a required dependency is down. */
export const READINESS_PATH = "/readyz";
/** The Streamable HTTP endpoint. */
export const MCP_PATH = "/mcp";
/** Protected Resource Metadata (RFC 9728); one document per protected path below it (`<PRM_PATH>/mcp`). */
export const PRM_PATH = "/.well-known/oauth-protected-resource";
/**
 * Where the authorization front receives Entra's authorization code: the front's Entra client registers
 * `<MCP_PUBLIC_URL><OAUTH_FRONT_CALLBACK_PATH>` as its web redirect URI.
 */
export const OAUTH_FRONT_CALLBACK_PATH = "/oauth/callback";

/** Headers that carry an API key in `AUTH_MODE=apikey` (besides `Authorization: Bearer`). */
export const API_KEY_HEADERS = ["api-key", "x-api-key"] as const;

/**
 * Request headers a browser client sends: the API key headers, the 2026-07-28 request headers (`Mcp-Method`,
 * `Mcp-Name`: the server answers 400 without them) and the 2025-era session and resumption headers.
 */
export const CORS_ALLOWED_HEADERS = [
  "Content-Type",
  "Authorization",
  "Mcp-Session-Id",
  "Mcp-Protocol-Version",
  "Mcp-Method",
  "Mcp-Name",
  "Last-Event-ID",
  ...API_KEY_HEADERS,
] as const;

/**
 * Response headers a browser client must be able to read: the session id, the auth challenge (to find the
 * metadata and scope) and the negotiated protocol version, on every response, 401s included.
 */
export const CORS_EXPOSED_HEADERS = ["Mcp-Session-Id", "WWW-Authenticate", "Mcp-Protocol-Version"] as const;

/** The server variables `McpContainerApp` sets from its props (a user may not set them again). */
export const MANAGED_SERVER_VARIABLES = [
  "PORT",
  "MCP_TRANSPORT",
  "AUTH_MODE",
  "AZURE_TENANT_ID",
  "MCP_AUDIENCE",
  "MCP_ALLOW_UNAUTHENTICATED",
  "MCP_PUBLIC_URL",
  "MCP_ALLOWED_HOSTS",
  "MCP_ALLOWED_ORIGINS",
  "MCP_SESSION_MODE",
  "MCP_LEGACY_SSE",
  "AZURE_CLIENT_ID",
  "LOG_ANALYTICS_WORKSPACE_ID",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "MCP_UPSTREAM_URL",
  "MCP_UPSTREAM_COMMAND",
  "MCP_UPSTREAM_TIMEOUT_SECONDS",
  "MCP_UPSTREAM_MAX_CHILDREN",
  "MCP_UPSTREAM_IDLE_SECONDS",
  "MCP_REQUEST_STATE_KEY",
  "MCP_OAUTH_FRONT",
  "MCP_OAUTH_FRONT_CLIENT_ID",
  "MCP_OAUTH_FRONT_KEY",
] as const;
/** A variable of `MANAGED_SERVER_VARIABLES`. */
export type ManagedServerVariable = (typeof MANAGED_SERVER_VARIABLES)[number];

/**
 * Server variables `McpContainerApp` sets only as a default a user may override in `environmentVariables`.
 */
export const DEFAULTED_SERVER_VARIABLES = ["MCP_TRUSTED_PROXY_HOPS"] as const;
/** A server variable the constructs set. */
export type ServerVariable = ManagedServerVariable | (typeof DEFAULTED_SERVER_VARIABLES)[number];

/** Prefix that carries a stdio upstream's variables through the front's environment to its processes. */
export const UPSTREAM_CHILD_ENV_PREFIX = "MCP_UPSTREAM_ENV_";
