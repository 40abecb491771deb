import { ConfigError } from "../config-error";
import { Env, integer, optional } from "../env-values";

/** Front mode toward a Streamable HTTP server (MCP_UPSTREAM_URL), e.g. a sidecar on localhost. */
export interface HttpUpstreamConfig {
  /** MCP_UPSTREAM_URL: the upstream is an MCP server over Streamable HTTP. */
  readonly kind: "http";
  /** The upstream's MCP endpoint, e.g. http://localhost:3001/mcp. */
  readonly url: string;
  /** Longest silence allowed on an open upstream request before the caller gets an error. */
  readonly timeoutMs: number;
}

/** Front mode toward a stdio server (MCP_UPSTREAM_COMMAND): one child process per caller. */
export interface StdioUpstreamConfig {
  /** MCP_UPSTREAM_COMMAND: the upstream is a command speaking MCP on stdin/stdout, one child per caller. */
  readonly kind: "stdio";
  /** Executable and arguments; run without a shell. */
  readonly command: string;
  /** MCP_UPSTREAM_COMMAND's words after the executable, passed as they are (no shell expansion). */
  readonly args: readonly string[];
  /** Variables the child gets, from MCP_UPSTREAM_ENV_<NAME> (prefix removed); nothing else of ours leaks. */
  readonly env: Readonly<Record<string, string>>;
  /** MCP_UPSTREAM_TIMEOUT_SECONDS, in ms: the handshake's limit and the longest a request may wait for its answer. */
  readonly timeoutMs: number;
  /** Children at once on this replica (MCP_UPSTREAM_MAX_CHILDREN). */
  readonly maxChildren: number;
  /** A child without requests for this long is stopped (MCP_UPSTREAM_IDLE_SECONDS). */
  readonly idleMs: number;
  /** Longest line (one JSON-RPC message) a child may write to stdout (MCP_UPSTREAM_MAX_LINE_BYTES). */
  readonly maxLineBytes: number;
}

/**
 * Front mode's upstream: an MCP server over HTTP (MCP_UPSTREAM_URL) or a stdio command
 * (MCP_UPSTREAM_COMMAND).
 */
export type FrontConfig = HttpUpstreamConfig | StdioUpstreamConfig;

/** What the child may see of the front's environment besides MCP_UPSTREAM_ENV_*: nothing secret. */
const INHERITED = ["PATH", "HOME", "LANG", "TZ", "TMPDIR"];
const ENV_PREFIX = "MCP_UPSTREAM_ENV_";

function upstreamUrl(raw: string): string {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) {
    throw new ConfigError(
      "MCP_UPSTREAM_URL",
      raw,
      "expected an http(s) URL of the upstream's MCP endpoint without credentials, e.g. http://localhost:3001/mcp",
    );
  }
  return url.href;
}

/** `node server.js stdio` (split on spaces, no shell) or a JSON array `["node", "my server.js"]`. */
function commandLine(raw: string): string[] {
  const allowed =
    'expected a command line like `node server.js stdio` or a JSON array like ["node", "server.js"]';
  if (!raw.startsWith("[")) return raw.split(/\s+/).filter(Boolean);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError("MCP_UPSTREAM_COMMAND", raw, allowed);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every((part) => typeof part === "string" && part.length > 0)
  ) {
    throw new ConfigError("MCP_UPSTREAM_COMMAND", raw, allowed);
  }
  return parsed as string[];
}

function childEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INHERITED) if (env[name] !== undefined) out[name] = env[name] as string;
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(ENV_PREFIX) && name.length > ENV_PREFIX.length && value !== undefined) {
      out[name.slice(ENV_PREFIX.length)] = value;
    }
  }
  return out;
}

/** Front mode settings, or undefined when neither upstream variable is set (the server serves its own tools). */
export function parseFrontConfig(env: Env): FrontConfig | undefined {
  const url = optional(env, "MCP_UPSTREAM_URL");
  const command = optional(env, "MCP_UPSTREAM_COMMAND");
  if (url !== undefined && command !== undefined) {
    throw new ConfigError(
      "MCP_UPSTREAM_URL",
      env.MCP_UPSTREAM_URL,
      "MCP_UPSTREAM_URL and MCP_UPSTREAM_COMMAND are mutually exclusive: set one upstream, not both",
    );
  }
  if (url === undefined && command === undefined) return undefined;
  const timeoutMs = integer(env, "MCP_UPSTREAM_TIMEOUT_SECONDS", 60, 1, 3600) * 1000;
  if (url !== undefined) return { kind: "http", url: upstreamUrl(url), timeoutMs };
  const [executable, ...args] = commandLine(command as string);
  return {
    kind: "stdio",
    command: executable,
    args,
    env: childEnv(env),
    timeoutMs,
    maxChildren: integer(env, "MCP_UPSTREAM_MAX_CHILDREN", 20, 1, 1000),
    idleMs: integer(env, "MCP_UPSTREAM_IDLE_SECONDS", 300, 1, 86_400) * 1000,
    maxLineBytes: integer(env, "MCP_UPSTREAM_MAX_LINE_BYTES", 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  };
}

/**
 * Front mode forwards requests at /mcp, over HTTP only; MCP_TRANSPORT=stdio serves this server's own tools
 * and would drop the upstream without a word. Refuses the combination, naming both variables.
 */
export function requireHttpTransport(front: FrontConfig | undefined, transport: "http" | "stdio"): void {
  if (front === undefined || transport === "http") return;
  const upstream = front.kind === "http" ? "MCP_UPSTREAM_URL" : "MCP_UPSTREAM_COMMAND";
  throw new ConfigError(
    "MCP_TRANSPORT",
    transport,
    `${upstream} is set (front mode), which serves Streamable HTTP only: set MCP_TRANSPORT=http, ` +
      `or unset ${upstream} to serve this server's own tools over stdio`,
  );
}
