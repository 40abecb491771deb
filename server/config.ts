import { randomBytes } from "node:crypto";
import { z } from "zod";
import { AuthConfig, parseAuthConfig } from "./auth/config";
import { ConfigError } from "./config-error";
import { GUID_PATTERN } from "./guid";
import { LOOPBACK_HOSTNAMES } from "./loopback-hostnames";
import { boolean, Env, integer, oneOf, optional, read } from "./env-values";
import { FrontConfig, parseFrontConfig, requireHttpTransport } from "./front/config";

/** LOG_LEVEL: pino's levels; `silent` logs nothing. */
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Every server setting, parsed once at startup. Durations the environment gives in seconds are kept in ms. */
export interface ServerConfig {
  /** PORT: where the HTTP transport listens; 0 picks a free port (tests). */
  readonly port: number;
  /** HOST: the bind address (127.0.0.1 unless the image sets 0.0.0.0). */
  readonly host: string;
  /** MCP_TRANSPORT: serve over HTTP, or over this process's stdin/stdout. */
  readonly transport: "http" | "stdio";
  /** MCP_LEGACY_SSE: also serve the 2024-11-05 HTTP+SSE transport at /sse and /messages. */
  readonly legacySseEnabled: boolean;
  /** MCP_SESSION_MODE: stateful keeps sessions, the GET stream and resumability (one replica or affinity). */
  readonly sessionMode: "stateless" | "stateful";
  /** Origin of MCP_PUBLIC_URL (no trailing slash); undefined means derived from each request. */
  readonly publicUrl?: string;
  /** Host header allow-list: entries are `host` (any port) or `host:port`, lower case. */
  readonly allowedHosts: readonly string[];
  /** Origin allow-list, besides loopback origins (see dns-rebinding.ts). */
  readonly allowedOrigins: readonly string[];
  /** MCP_SSE_HEARTBEAT_SECONDS: a comment line this often keeps idle streams open through proxies. */
  readonly sseHeartbeatMs: number;
  /** MCP_MAX_CONNECTIONS: MCP requests and streams open at once on this replica; beyond: 503. */
  readonly maxConnections: number;
  /** MCP_MAX_BODY_BYTES: the largest POST body; beyond: 413. */
  readonly maxBodyBytes: number;
  /** JSON values in one POST body (MCP_MAX_JSON_VALUES); beyond: 400, checked before the body is parsed. */
  readonly maxJsonValues: number;
  /** Keys of any one JSON object in a POST body (MCP_MAX_JSON_OBJECT_KEYS); beyond: 400, likewise. */
  readonly maxJsonObjectKeys: number;
  /** MCP_SHUTDOWN_GRACE_SECONDS: how long a drain waits for open requests before it ends them. */
  readonly shutdownGraceMs: number;
  /** MCP requests per caller per minute and replica, plus a burst allowance (http/rate-limit.ts); 0 means off. */
  readonly rateLimitPerMinute: number;
  /** Open MCP requests plus streams of one caller (MCP_MAX_CONNECTIONS_PER_CALLER); beyond: 429. */
  readonly maxConnectionsPerCaller: number;
  /** tools/call requests of one caller running at once (MCP_MAX_TOOL_CALLS_PER_CALLER); beyond: 429. */
  readonly maxToolCallsPerCaller: number;
  /** A request's headers must arrive within this; Node answers 408 and closes otherwise. */
  readonly headersTimeoutMs: number;
  /** A whole request, body included, must arrive within this (MCP_REQUEST_TIMEOUT_SECONDS); else 408. */
  readonly requestTimeoutMs: number;
  /** Failed authentications per client address and minute before 429 (MCP_AUTH_FAILURES_PER_MINUTE); 0 is off. */
  readonly authFailuresPerMinute: number;
  /**
   * Proxies in front of the server whose X-Forwarded-For entries are trusted (MCP_TRUSTED_PROXY_HOPS): the
   * client address is the socket's when 0, else X-Forwarded-For's entry this many hops back.
   */
  readonly trustedProxyHops: number;
  /** Stateful mode: sessions at once on this replica (MCP_MAX_SESSIONS); beyond: 503. */
  readonly maxSessions: number;
  /** Stateful mode: sessions of one caller (MCP_MAX_SESSIONS_PER_CALLER); beyond: 429. */
  readonly maxSessionsPerCaller: number;
  /** LOG_LEVEL: the least severe level logged. */
  readonly logLevel: LogLevel;
  /** APPLICATIONINSIGHTS_CONNECTION_STRING: turns on telemetry export. A secret: never logged. */
  readonly applicationInsightsConnectionString?: string;
  /** LOG_ANALYTICS_WORKSPACE_ID: turns on the query_logs tool, against this workspace. */
  readonly logAnalyticsWorkspaceId?: string;
  /** AZURE_CLIENT_ID: the user-assigned managed identity for Azure calls (query_logs, the front's client assertion). */
  readonly azureClientId?: string;
  /** Stateful mode: a session without requests for this long is closed (MCP_SESSION_IDLE_SECONDS). */
  readonly sessionIdleMs: number;
  /** Stateful mode, per session: resumability keeps at most this many events, none older than eventStoreMaxAgeMs. */
  readonly eventStoreMaxEvents: number;
  /** Stateful mode: stored events older than this are dropped; a client resuming later starts afresh. */
  readonly eventStoreMaxAgeMs: number;
  /** Stateful mode: bytes of stored events per session, and across all sessions of the replica. */
  readonly eventStoreMaxBytesPerSession: number;
  /** Stateful mode: bytes of stored events across all sessions of the replica; the oldest go first. */
  readonly eventStoreMaxBytesTotal: number;
  /** AUTH_MODE and its companions: who may call the server. */
  readonly auth: AuthConfig;
  /** Front mode: MCP traffic at /mcp goes to this upstream instead of our own tools. @default - off */
  readonly front?: FrontConfig;
  /** HMAC key for multi round-trip `requestState` (MCP_REQUEST_STATE_KEY), or random per process. A secret. */
  readonly requestStateKey: Uint8Array;
  /** Settings that work but deserve a log line at startup; serve.ts logs each one. */
  readonly warnings: readonly string[];
}

function guid(env: Env, variable: string): string | undefined {
  const value = optional(env, variable);
  if (value !== undefined && !GUID_PATTERN.test(value)) {
    throw new ConfigError(
      variable,
      env[variable],
      "expected a GUID like 00000000-0000-0000-0000-000000000000",
    );
  }
  return value;
}

function list(env: Env, variable: string): string[] {
  return (env[variable] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function publicUrl(env: Env): URL | undefined {
  const raw = optional(env, "MCP_PUBLIC_URL");
  if (raw === undefined) return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (
    !url ||
    (url.protocol !== "https:" && url.protocol !== "http:") ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw new ConfigError(
      "MCP_PUBLIC_URL",
      raw,
      "expected an http(s) base URL without a path, e.g. https://mcp.example.com",
    );
  }
  return url;
}

function hosts(env: Env, url: URL | undefined): string[] {
  const entries = list(env, "MCP_ALLOWED_HOSTS").map((host) => host.toLowerCase());
  for (const host of entries) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host)) {
      throw new ConfigError(
        "MCP_ALLOWED_HOSTS",
        env.MCP_ALLOWED_HOSTS,
        `'${host}' is not a host or host:port`,
      );
    }
  }
  if (entries.length > 0) return entries;
  return url ? [url.hostname.toLowerCase(), ...LOOPBACK_HOSTNAMES] : [...LOOPBACK_HOSTNAMES];
}

function origins(env: Env, url: URL | undefined): string[] {
  const entries = list(env, "MCP_ALLOWED_ORIGINS").map((origin) => {
    const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!parsed || parsed.origin === "null" || parsed.origin !== origin.replace(/\/$/, "").toLowerCase()) {
      throw new ConfigError(
        "MCP_ALLOWED_ORIGINS",
        env.MCP_ALLOWED_ORIGINS,
        `'${origin}' is not an origin like https://app.example.com`,
      );
    }
    return parsed.origin;
  });
  return url ? [url.origin, ...entries] : entries;
}

/**
 * Sized from the SDK's cost per value (bench B9, b9-json-flood.ts): every real MCP request is far below, and
 * the costliest body within both limits takes about 13 ms of CPU, so a caller at the rate limit needs about a
 * quarter of a 0.5 vCPU replica and cannot starve /healthz.
 */
export const DEFAULT_MAX_JSON_VALUES = 10_000;
/** MCP_MAX_JSON_OBJECT_KEYS when unset; sized as DEFAULT_MAX_JSON_VALUES is. */
export const DEFAULT_MAX_JSON_OBJECT_KEYS = 1_000;

/** The SDK's requestState codec refuses shorter HMAC keys. */
export const MIN_REQUEST_STATE_KEY_BYTES = 32;

/** MCP_REQUEST_STATE_KEY as UTF-8 bytes; errors give its length, never the key. */
function requestStateKey(env: Env): { key: Uint8Array; warning?: string } {
  const raw = optional(env, "MCP_REQUEST_STATE_KEY");
  if (raw === undefined) {
    return {
      key: randomBytes(MIN_REQUEST_STATE_KEY_BYTES),
      warning:
        "MCP_REQUEST_STATE_KEY is not set: multi round-trip requestState is signed with a random key of this " +
        "process, so a retry that reaches another replica (or this one after a restart) is refused. Set the " +
        "same MCP_REQUEST_STATE_KEY on every replica.",
    };
  }
  const key = new TextEncoder().encode(raw);
  if (key.byteLength < MIN_REQUEST_STATE_KEY_BYTES) {
    throw new ConfigError(
      "MCP_REQUEST_STATE_KEY",
      `<redacted, ${key.byteLength} bytes>`,
      `expected a secret of at least ${MIN_REQUEST_STATE_KEY_BYTES} bytes, e.g. \`openssl rand -base64 48\``,
    );
  }
  return { key };
}

/** Reads every server variable once. Throws ConfigError naming the variable, the value and what is allowed. */
export function loadConfig(env: Env): ServerConfig {
  const url = publicUrl(env);
  const maxConnections = integer(env, "MCP_MAX_CONNECTIONS", 1000, 1, 1_000_000);
  const maxConnectionsPerCaller = integer(
    env,
    "MCP_MAX_CONNECTIONS_PER_CALLER",
    Math.max(1, Math.floor(maxConnections / 10)),
    1,
    maxConnections,
  );
  const requestTimeoutMs = integer(env, "MCP_REQUEST_TIMEOUT_SECONDS", 30, 1, 3600) * 1000;
  const maxSessions = integer(env, "MCP_MAX_SESSIONS", 1000, 1, 1_000_000);
  const stateKey = requestStateKey(env);
  const transport = oneOf(env, "MCP_TRANSPORT", "http", ["http", "stdio"]);
  const front = parseFrontConfig(env);
  requireHttpTransport(front, transport);
  return {
    port: integer(env, "PORT", 8000, 0, 65535),
    host: read(
      env,
      "HOST",
      z.string().regex(/^[A-Za-z0-9.:[\]-]+$/),
      "127.0.0.1",
      "expected a host name or IP address",
    ),
    transport,
    legacySseEnabled: boolean(env, "MCP_LEGACY_SSE", true),
    sessionMode: oneOf(env, "MCP_SESSION_MODE", "stateless", ["stateless", "stateful"]),
    publicUrl: url?.origin,
    allowedHosts: hosts(env, url),
    allowedOrigins: origins(env, url),
    sseHeartbeatMs: integer(env, "MCP_SSE_HEARTBEAT_SECONDS", 25, 1, 239) * 1000,
    maxConnections,
    maxConnectionsPerCaller,
    maxToolCallsPerCaller: integer(
      env,
      "MCP_MAX_TOOL_CALLS_PER_CALLER",
      maxConnectionsPerCaller,
      1,
      1_000_000,
    ),
    headersTimeoutMs: Math.min(10_000, requestTimeoutMs),
    requestTimeoutMs,
    authFailuresPerMinute: integer(env, "MCP_AUTH_FAILURES_PER_MINUTE", 60, 0, 1_000_000),
    trustedProxyHops: integer(env, "MCP_TRUSTED_PROXY_HOPS", 0, 0, 10),
    maxSessions,
    maxSessionsPerCaller: integer(
      env,
      "MCP_MAX_SESSIONS_PER_CALLER",
      Math.max(1, Math.floor(maxSessions / 10)),
      1,
      maxSessions,
    ),
    maxBodyBytes: integer(env, "MCP_MAX_BODY_BYTES", 1_048_576, 1024, 104_857_600),
    maxJsonValues: integer(env, "MCP_MAX_JSON_VALUES", DEFAULT_MAX_JSON_VALUES, 100, 10_000_000),
    maxJsonObjectKeys: integer(env, "MCP_MAX_JSON_OBJECT_KEYS", DEFAULT_MAX_JSON_OBJECT_KEYS, 16, 1_000_000),
    shutdownGraceMs: integer(env, "MCP_SHUTDOWN_GRACE_SECONDS", 25, 0, 3600) * 1000,
    rateLimitPerMinute: integer(env, "MCP_RATE_LIMIT_PER_MINUTE", 600, 0, 1_000_000),
    logLevel: oneOf(env, "LOG_LEVEL", "info", LOG_LEVELS),
    applicationInsightsConnectionString: optional(env, "APPLICATIONINSIGHTS_CONNECTION_STRING"),
    logAnalyticsWorkspaceId: guid(env, "LOG_ANALYTICS_WORKSPACE_ID"),
    azureClientId: guid(env, "AZURE_CLIENT_ID"),
    sessionIdleMs: integer(env, "MCP_SESSION_IDLE_SECONDS", 1800, 10, 86_400) * 1000,
    eventStoreMaxEvents: 1_000,
    eventStoreMaxAgeMs: 5 * 60_000,
    eventStoreMaxBytesPerSession: 2 * 1024 * 1024,
    eventStoreMaxBytesTotal: 64 * 1024 * 1024,
    auth: parseAuthConfig(env),
    front,
    requestStateKey: stateKey.key,
    warnings: stateKey.warning === undefined ? [] : [stateKey.warning],
  };
}
