import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import type { Writable } from "node:stream";
import { basename } from "node:path";
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
import { JsonRpcCode } from "../http/json-rpc-error";
import { SERVER_VERSION } from "../version";
import { callerName } from "./caller-headers";
import type { StdioUpstreamConfig } from "./config";
import { LineSplitter, LineTooLongError } from "./line-splitter";
import { LogBudget } from "./log-budget";
import { parsed, topLevelOf, type Outgoing } from "./raw-response";
import { killGroup, trackGroup } from "./process-groups";
import { errorResponse } from "./upstream-error";

/** How long a stopped child has between SIGTERM and SIGKILL (its whole process group). */
export const KILL_GRACE_MS = 2000;
/** A response line from this size on is passed on as bytes (its id replaced), not parsed and serialised. */
const RAW_FROM_BYTES = 64 * 1024;
/** A stderr line is logged up to this many bytes; the rest of it is dropped. */
const STDERR_LINE_MAX_BYTES = 4096;

/** Where the messages about one forwarded request go (ids and progress tokens already mapped back). */
type Deliver = (message: Outgoing) => void;

interface Pending {
  readonly clientId: RequestId;
  readonly progressToken?: string | number;
  readonly deliver: Deliver;
  /** Runs when the request is cancelled: the child will not answer it. */
  readonly onCancel?: (reason: string) => void;
}

/** The upstream command as messages name it: the executable's base name (arguments may hold secrets). */
export function stdioUpstreamName(config: StdioUpstreamConfig): string {
  return `upstream '${basename(config.command)}'`;
}

/**
 * One stdio MCP server process serving one caller. The front does the 2025-era handshake itself
 * (initialize at `protocolVersion`, then notifications/initialized) and answers the caller's own
 * `initialize` with the child's result. Requests from many HTTP exchanges share the process, so every
 * request id and progress token is replaced by one unique to the child and mapped back on the way out.
 * When the process exits, every pending request is answered with an error naming the upstream.
 *
 * Bounds: a line of stdout is at most MCP_UPSTREAM_MAX_LINE_BYTES (beyond, pending calls get an error and
 * the process is stopped); stdout is not read while a caller's response is not taking bytes
 * (`holdUntilDrained`), so the child blocks instead of the front's memory growing; stderr reaches the
 * logs through a byte budget. The process runs in its own process group, which is what gets signalled.
 */
export class StdioChild {
  /** The child's initialize result once its handshake succeeds; rejects when it fails or times out. */
  readonly ready: Promise<Record<string, unknown>>;
  /** The version the front asked for in its handshake (the caller's, when its initialize started the child). */
  readonly protocolVersion: string;
  /** When a caller last sent the child something: the pool stops the longest idle first. */
  lastUsed = Date.now();
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;
  private stopping = false;
  private broken = false;
  private readonly closed: Promise<void>;
  private readonly name: string;
  private readonly log: Logger;
  private readonly lines: LineSplitter;
  /** Complete stdout lines not handed on yet: the caller is not reading (at most one chunk's worth). */
  private readonly queue: Buffer[] = [];
  /** Responses whose unsent bytes are over their high-water mark; stdout waits until they drain. */
  private readonly blockers = new Set<Writable>();
  private readonly logBudget = new LogBudget();

  constructor(
    private readonly config: StdioUpstreamConfig,
    caller: CallerIdentity,
    logger: Logger,
    private readonly onExit: (child: StdioChild) => void,
    protocolVersion: string = LATEST_PROTOCOL_VERSION,
  ) {
    this.name = stdioUpstreamName(config);
    this.protocolVersion = protocolVersion;
    this.lines = new LineSplitter(config.maxLineBytes, "fail");
    // Its own process group: a wrapper (`bash -c`, npx) and whatever it started are stopped together.
    this.process = spawn(config.command, [...config.args], {
      env: { ...config.env, MCP_CALLER_ID: caller.id, MCP_CALLER_NAME: callerName(caller) ?? "" },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const pid = this.process.pid;
    const untrack = pid === undefined ? () => undefined : trackGroup(pid);
    this.log = logger.child({ upstream: this.name, pid, callerId: caller.id });
    const stderrLines = new LineSplitter(STDERR_LINE_MAX_BYTES, "truncate");
    this.process.stderr.on("data", (chunk: Buffer) => {
      for (const line of stderrLines.push(chunk))
        this.logOutput("stderr", line.toString("utf8"), line.length);
    });
    this.process.stdout.on("data", (chunk: Buffer) => this.read(chunk));
    this.process.stdin.on("error", () => undefined);
    let exitReason = "";
    this.process.on("error", (error) => (exitReason = error.message));
    // What the child left running in its group would otherwise hold the pipes open, orphaned.
    this.process.on("exit", () => {
      this.exited = true;
      if (pid !== undefined) killGroup(pid, "SIGKILL");
    });
    this.ready = this.handshake(config.timeoutMs);
    this.ready.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.process.on("close", (code, signal) => {
        this.exited = true;
        untrack();
        const why = exitReason || (signal ? `signal ${signal}` : `code ${code}`);
        const dropped = this.logBudget.flush();
        if (dropped)
          this.log.warn(
            { stream: "stderr", dropped },
            "upstream child output over the log budget was dropped",
          );
        this.log.warn({ code, signal, pending: this.pending.size }, "upstream child exited");
        this.failPending(`${this.name} exited (${why}) before answering`);
        this.onExit(this);
        resolve();
      });
    });
  }

  /** Whether the child can still take requests: not exited, not stopping, its stdout still trusted. */
  get alive(): boolean {
    return !this.exited && !this.broken && !this.stopping;
  }

  /** Requests sent to the child and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** The child's process id (its process group's too); undefined when it could not be spawned. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Whether stdout is paused because a caller's response is not taking bytes (tests and metrics). */
  get held(): boolean {
    return this.blockers.size > 0;
  }

  /** Sends a request; its response and progress go to `deliver`. Returns the child-side id (for cancel). */
  request(message: JSONRPCRequest, deliver: Deliver, onCancel?: (reason: string) => void): number {
    this.lastUsed = Date.now();
    const childId = this.nextId++;
    if (this.broken || this.exited || this.stopping) {
      // Handed out just before it went (a line over the limit, a crash, a stop): nothing will answer here.
      deliver(errorResponse(message.id, `${this.name} stopped before the request reached it; retry it`));
      return childId;
    }
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

  /** Cancels a pending request: the child is told, and the request's `onCancel` says what its caller gets. */
  cancel(childId: number, reason: string): void {
    const entry = this.pending.get(childId);
    if (!entry) return;
    this.pending.delete(childId);
    this.write({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: childId, reason } });
    entry.onCancel?.(reason);
  }

  /** Sends a notification (no answer expected), counting as use. */
  notify(message: JSONRPCNotification): void {
    this.lastUsed = Date.now();
    this.write(message);
  }

  /**
   * Stops reading stdout until `sink` (a caller's response) drains, finishes or closes: a caller who does
   * not read makes the child wait on its pipe instead of the front buffering what it writes.
   */
  holdUntilDrained(sink: Writable): void {
    // A response already over (finished, or its client gone) will never drain: nothing to wait for.
    if (this.blockers.has(sink) || sink.destroyed || sink.writableFinished) return;
    this.blockers.add(sink);
    this.process.stdout.pause();
    const release = (): void => {
      for (const event of ["drain", "finish", "close"]) sink.off(event, release);
      this.blockers.delete(sink);
      this.flow();
    };
    for (const event of ["drain", "finish", "close"]) sink.on(event, release);
  }

  /**
   * Stops the process group: SIGTERM, then SIGKILL after KILL_GRACE_MS if anything of it is still
   * running. Resolves once the child's pipes are closed, so a drain can wait for it.
   */
  stop(): Promise<void> {
    if (!this.stopping && !this.exited) {
      this.stopping = true;
      this.process.stdin.end();
      const pid = this.process.pid;
      if (pid !== undefined) {
        killGroup(pid, "SIGTERM");
        const timer = setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS);
        void this.closed.then(() => clearTimeout(timer));
      }
    }
    this.stopping = true;
    return this.closed;
  }

  private async handshake(timeoutMs: number): Promise<Record<string, unknown>> {
    const result = await new Promise<JSONRPCMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name} did not answer initialize within ${timeoutMs / 1000} s`));
        void this.stop();
      }, timeoutMs);
      this.request(
        {
          jsonrpc: "2.0",
          id: 0,
          method: "initialize",
          params: {
            protocolVersion: this.protocolVersion,
            capabilities: {},
            clientInfo: { name: "cdktf-azure-mcp-front", version: SERVER_VERSION },
          },
        },
        (message) => {
          clearTimeout(timer);
          resolve(parsed(message));
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

  private read(chunk: Buffer): void {
    if (this.broken) return;
    try {
      for (const line of this.lines.push(chunk)) this.queue.push(line);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      this.breakOff();
      return;
    }
    this.flow();
  }

  /** Hands queued lines on while no caller is behind; resumes stdout when the queue is empty. */
  private flow(): void {
    while (this.blockers.size === 0 && !this.broken) {
      const line = this.queue.shift();
      if (line === undefined) break;
      this.receive(line);
    }
    if (this.blockers.size === 0 && !this.broken && !this.process.stdout.destroyed)
      this.process.stdout.resume();
  }

  /** A line past MCP_UPSTREAM_MAX_LINE_BYTES: the stream can no longer be trusted, so the child goes. */
  private breakOff(): void {
    const max = this.config.maxLineBytes;
    this.broken = true;
    this.queue.length = 0;
    this.log.warn(
      { stream: "stdout", maxLineBytes: max },
      "upstream child wrote a line over the limit; stopping it",
    );
    this.failPending(
      `${this.name} wrote a message longer than ${max} bytes (MCP_UPSTREAM_MAX_LINE_BYTES); the process is restarted on the next call`,
    );
    this.process.stdout.destroy();
    this.onExit(this);
    void this.stop();
  }

  private failPending(message: string): void {
    for (const [childId, entry] of this.pending) {
      this.pending.delete(childId);
      entry.deliver(errorResponse(entry.clientId, message));
    }
  }

  private receive(line: Buffer): void {
    if (line.length >= RAW_FROM_BYTES && this.receiveRaw(line)) return;
    let message: JSONRPCMessage;
    try {
      message = JSON.parse(line.toString("utf8")) as JSONRPCMessage;
    } catch {
      this.logOutput("stdout", "upstream child wrote a line that is not JSON", line.length);
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
              error: {
                code: JsonRpcCode.MethodNotFound,
                message: `the front does not relay ${message.method} to its clients`,
              },
            },
      );
    } else if (isJSONRPCNotification(message)) {
      this.routeNotification(message);
    }
  }

  /**
   * A large response goes to its caller as the child's bytes with the id replaced: no parse, no
   * serialisation. Returns false for anything else (a request, a notification, not an object), to be parsed.
   */
  private receiveRaw(line: Buffer): boolean {
    const top = topLevelOf(line);
    const isResponse = top?.members.has("result") || top?.members.has("error");
    if (top?.id === undefined || !isResponse || top.members.has("method")) return false;
    const [start, end] = top.id;
    let childId: unknown;
    try {
      childId = JSON.parse(line.toString("utf8", start, end));
    } catch {
      return false;
    }
    const entry = typeof childId === "number" ? this.pending.get(childId) : undefined;
    if (!entry) return true; // an answer to a request no longer pending (cancelled): nobody to give it to
    this.pending.delete(childId as number);
    const id = Buffer.from(JSON.stringify(entry.clientId));
    entry.deliver({
      raw: true,
      id: entry.clientId,
      chunks: [line.subarray(0, start), id, line.subarray(end)],
    });
    return true;
  }

  /** A line of the child's own output for the logs, within the child's log budget. */
  private logOutput(stream: "stderr" | "stdout", text: string, bytes: number): void {
    const { admitted, dropped } = this.logBudget.admit(bytes);
    if (!admitted) return;
    if (dropped) this.log.warn({ stream, dropped }, "upstream child output over the log budget was dropped");
    if (stream === "stderr") this.log.info({ stream }, text);
    else this.log.warn({ stream, length: bytes }, text);
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
