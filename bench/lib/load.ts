import autocannon from "autocannon";

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly total: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly connections?: number;
  readonly durationSeconds?: number;
  readonly amount?: number;
  /** Per-connection headers, e.g. a different caller's token on each connection. */
  readonly connectionHeaders?: (connection: number) => Record<string, string>;
}

export const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-06-18",
} as const;

/** The protocol era a load speaks: 2025-era requests, or 2026-07-28 requests with the per-request envelope. */
export type Era = "2025" | "2026-07-28";

/**
 * The echo call as a client of `era` sends it. 2026-07-28 (stateless, no initialize) adds the per-request
 * `_meta` envelope to the body and the `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers.
 */
export function echoRequest(
  era: Era,
  message = "benchmark",
): { body: string; headers: Record<string, string> } {
  if (era === "2025") return { body: echoCall(message), headers: {} };
  return {
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "echo",
        arguments: { message },
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1.0.0" },
          "io.modelcontextprotocol/clientCapabilities": {},
        },
      },
    }),
    headers: { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "echo" },
  };
}

export function echoCall(message = "benchmark"): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "echo", arguments: { message } },
  });
}

/** One load run: a fixed number of connections posting the same body. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: "POST",
    body: options.body,
    headers: { ...MCP_HEADERS, ...options.headers },
    connections: options.connections ?? 32,
    ...(options.connectionHeaders ? { setupClient: perConnectionHeaders(options) } : {}),
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 4 }),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

function perConnectionHeaders(options: LoadOptions): (client: autocannon.Client) => void {
  let connection = 0;
  return (client) => {
    client.setHeaders({ ...MCP_HEADERS, ...options.headers, ...options.connectionHeaders!(connection++) });
  };
}
