import { ChildProcess, spawn } from "node:child_process";
import { createServer as createHttpServer, IncomingHttpHeaders, Server } from "node:http";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { callUntilProgress } from "../../support/long-call";
import { eventually } from "../../support/test-server";

const ROOT = join(__dirname, "..", "..", "..", "..");

/** server-everything's entry point; `stdio` or `streamableHttp` as its argument picks the transport. */
export const EVERYTHING = join(
  ROOT,
  "node_modules",
  "@modelcontextprotocol",
  "server-everything",
  "dist",
  "index.js",
);

/** The MCP_UPSTREAM_COMMAND that runs server-everything over stdio (a JSON array: paths may hold spaces). */
export const EVERYTHING_STDIO_COMMAND = JSON.stringify([process.execPath, EVERYTHING, "stdio"]);

export interface EverythingHttp {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** server-everything over Streamable HTTP in its own process, on a free port on 127.0.0.1. */
export async function startEverythingHttp(): Promise<EverythingHttp> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING, "streamableHttp"], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await eventually(() => stderr.includes("listening on port"), 20_000);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export async function freePort(): Promise<number> {
  const probe = createHttpServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** An SDK client connected over Streamable HTTP, with extra request headers (an API key). */
export async function connectClient(url: URL, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "front-test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
  return client;
}

export interface RecordingUpstream {
  readonly url: string;
  readonly requests: { headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that records what reaches it. `answer` decides the reply; by default a
 * JSON-RPC result echoing the request id. To see exactly which headers the front sends upstream.
 */
export async function startRecordingUpstream(
  answer?: (body: string, res: import("node:http").ServerResponse) => void,
): Promise<RecordingUpstream> {
  const requests: RecordingUpstream["requests"] = [];
  const server: Server = createHttpServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      requests.push({ headers: req.headers, body });
      if (answer) return answer(body, res);
      const id = (JSON.parse(body || "{}") as { id?: unknown }).id ?? null;
      res.writeHead(200, {
        "content-type": "application/json",
        "set-cookie": "upstream=1",
        // Like a 2025-era server answering initialize: the session this client goes on with.
        ...(req.headers["mcp-session-id"] ? {} : { "mcp-session-id": "s-1" }),
      });
      res.end(JSON.stringify({ jsonrpc: "2.0", id, result: { ok: true } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Starts server-everything's trigger-long-running-operation (one progress step a second) and resolves
 * once its first progress arrived; `call` settles with the result, or the error it failed with.
 */
export function startLongCall(
  client: Client,
  seconds: number,
  signal?: AbortSignal,
): Promise<{ call: Promise<unknown> }> {
  return callUntilProgress(
    client,
    { name: "trigger-long-running-operation", arguments: { duration: seconds, steps: seconds } },
    signal,
  );
}

/** The text of a tool result (its text content items joined). */
export function text(result: unknown): string {
  return ((result as CallToolResult).content as { type: string; text?: string }[])
    .map((c) => c.text ?? "")
    .join("");
}
