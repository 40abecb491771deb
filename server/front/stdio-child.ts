import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import type { Logger } from "pino";
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  LATEST_PROTOCOL_VERSION,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type RequestId,
} from "@modelcontextprotocol/server";
import type { CallerIdentity } from "../auth/types";
import { SERVER_VERSION } from "../version";
import type { StdioUpstreamConfig } from "./config";
import { errorResponse } from "./upstream-error";

const KILL_GRACE_MS = 2000;

/** Where the messages about one forwarded request go (ids and progress tokens already mapped back). */
type Deliver = (message: JSONRPCMessage) => void;

interface Pending {
  readonly clientId: RequestId;
  readonly progressToken?: string | number;
  readonly deliver: Deliver;
  /** Runs when the request is cancelled: no answer will come. */
  readonly onCancel?: () => void;
}

/** The upstream command as messages name it: the executable's base name (arguments may hold secrets). */
export function stdioUpstreamName(config: StdioUpstreamConfig): string {
  return `upstream '${basename(config.command)}'`;
}

/**
 * One stdio MCP server process serving one caller. The front does the 2025-era handshake itself
 * (initialize at LATEST_PROTOCOL_VERSION, then notifications/initialized) and answers the caller's own
 * `initialize` with the child's result. Requests from many HTTP exchanges share the process, so every
 * request id and progress token is replaced by one unique to the child and mapped back on the way out.
 * When the process exits, every pending request is answered with an error naming the upstream.
 */
export class StdioChild {
  readonly ready: Promise<Record<string, unknown>>;
  lastUsed = Date.now();
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  private readonly name: string;

  constructor(
    config: StdioUpstreamConfig,
    caller: CallerIdentity,
    logger: Logger,
    onExit: (child: StdioChild) => void,
  ) {
    this.name = stdioUpstreamName(config);
    this.process = spawn(config.command, [...config.args], {
      env: { ...config.env, MCP_CALLER_ID: caller.id, MCP_CALLER_NAME: caller.name ?? "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const log = logger.child({ upstream: this.name, pid: this.process.pid, callerId: caller.id });
    createInterface({ input: this.process.stderr }).on("line", (line) =>
      log.info({ stream: "stderr" }, line),
    );
    createInterface({ input: this.process.stdout }).on("line", (line) => this.receive(line, log));
    this.process.stdin.on("error", () => undefined);
    let exitReason = "";
    this.process.on("error", (error) => (exitReason = error.message));
    this.ready = this.handshake(config.timeoutMs);
    this.ready.catch(() => undefined);
    this.process.on("close", (code, signal) => {
      this.exited = true;
      const why = exitReason || (signal ? `signal ${signal}` : `code ${code}`);
      log.warn({ code, signal, pending: this.pending.size }, "upstream child exited");
      for (const [childId, entry] of this.pending) {
        this.pending.delete(childId);
        entry.deliver(errorResponse(entry.clientId, `${this.name} exited (${why}) before answering`));
      }
      onExit(this);
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Sends a request; its response and progress go to `deliver`. Returns the child-side id (for cancel). */
  request(message: JSONRPCRequest, deliver: Deliver, onCancel?: () => void): number {
    this.lastUsed = Date.now();
    const childId = this.nextId++;
    const meta = message.params?._meta as Record<string, unknown> | undefined;
    const progressToken = meta?.progressToken as string | number | undefined;
    const params =
      progressToken === undefined
        ? message.params
        : { ...message.params, _meta: { ...meta, progressToken: `p${childId}` } };
    this.pending.set(childId, { clientId: message.id, progressToken, deliver, onCancel });
    this.write({ ...message, id: childId, params });
    return childId;
  }

  /** The child-side id of a pending request, by the id its caller gave it (the newest on a clash). */
  childIdOf(clientId: RequestId): number | undefined {
    let found: number | undefined;
    for (const [childId, entry] of this.pending) if (entry.clientId === clientId) found = childId;
    return found;
  }

  /** Cancels a pending request: the child is told, nothing more is delivered for it. */
  cancel(childId: number, reason: string): void {
    const entry = this.pending.get(childId);
    if (!entry) return;
    this.pending.delete(childId);
    entry.onCancel?.();
    this.write({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: childId, reason } });
  }

  notify(message: JSONRPCNotification): void {
    this.lastUsed = Date.now();
    this.write(message);
  }

  /** Stops the process: SIGTERM, then SIGKILL if it lingers. */
  stop(): void {
    if (this.exited) return;
    this.process.stdin.end();
    this.process.kill("SIGTERM");
    setTimeout(() => this.process.kill("SIGKILL"), KILL_GRACE_MS).unref();
  }

  private async handshake(timeoutMs: number): Promise<Record<string, unknown>> {
    const result = await new Promise<JSONRPCMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name} did not answer initialize within ${timeoutMs / 1000} s`));
        this.stop();
      }, timeoutMs);
      this.request(
        {
          jsonrpc: "2.0",
          id: 0,
          method: "initialize",
          params: {
            protocolVersion: LATEST_PROTOCOL_VERSION,
            capabilities: {},
            clientInfo: { name: "cdktf-azure-mcp-front", version: SERVER_VERSION },
          },
        },
        (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      );
    });
    if (!isJSONRPCResultResponse(result)) {
      const reason = isJSONRPCErrorResponse(result) ? result.error.message : "no result";
      throw new Error(`${this.name} refused initialize: ${reason}`);
    }
    this.write({ jsonrpc: "2.0", method: "notifications/initialized" });
    return result.result;
  }

  private receive(line: string, log: Logger): void {
    let message: JSONRPCMessage;
    try {
      message = JSON.parse(line) as JSONRPCMessage;
    } catch {
      log.warn({ stream: "stdout", length: line.length }, "upstream child wrote a line that is not JSON");
      return;
    }
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      const childId = message.id as number;
      const entry = this.pending.get(childId);
      if (!entry) return;
      this.pending.delete(childId);
      entry.deliver({ ...message, id: entry.clientId });
    } else if (isJSONRPCRequest(message)) {
      // No client behind a stateless front to ask (sampling, elicitation, roots): only ping is answered.
      this.write(
        message.method === "ping"
          ? { jsonrpc: "2.0", id: message.id, result: {} }
          : {
              jsonrpc: "2.0",
              id: message.id,
              error: { code: -32601, message: `the front does not relay ${message.method} to its clients` },
            },
      );
    } else if (isJSONRPCNotification(message)) {
      this.routeNotification(message);
    }
  }

  /** Progress goes to the request it belongs to; other notifications have no session to go to. */
  private routeNotification(message: JSONRPCNotification): void {
    const token = (message.params as { progressToken?: unknown } | undefined)?.progressToken;
    if (message.method !== "notifications/progress" || typeof token !== "string" || !token.startsWith("p")) {
      return;
    }
    const entry = this.pending.get(Number(token.slice(1)));
    if (entry?.progressToken === undefined) return;
    entry.deliver({ ...message, params: { ...message.params, progressToken: entry.progressToken } });
  }

  private write(message: JSONRPCMessage): void {
    if (this.exited || !this.process.stdin.writable) return;
    this.process.stdin.write(`${JSON.stringify(message)}\n`);
  }
}
