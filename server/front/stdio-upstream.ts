import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import {
  isJSONRPCNotification,
  isJSONRPCRequest,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type RequestId,
} from "@modelcontextprotocol/server";
import { callerOf } from "../auth/middleware";
import { ANONYMOUS_CALLER } from "../auth/types";
import "../http/request-auth";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { cancellationOf, messagesOf } from "../json-rpc-messages";
import { DRAIN_ABORT_ERROR, type Lifecycle } from "../lifecycle";
import type { StdioUpstreamConfig } from "./config";
import { ExchangeWriter } from "./exchange-writer";
import type { Outgoing } from "./raw-response";
import { stdioUpstreamName, type StdioChild } from "./stdio-child";
import { ChildrenExhaustedError, StdioPool } from "./stdio-pool";
import { errorResponse, failExchange, requestIdsOf, UPSTREAM_ERROR_CODE } from "./upstream-error";

/** The front's relay to a stdio MCP server, one child process per caller. */
export interface StdioUpstream {
  /** POST /mcp: relays the body's messages to the caller's child and its answers back. */
  readonly post: RequestHandler;
  /** The per-caller children, for /readyz, the drain and tests. */
  readonly pool: StdioPool;
}

/**
 * A request of the 2026-07-28 (modern) era: its MCP-Protocol-Version is not a 2025-era one, or it is
 * `server/discover`. The child is spoken to in the 2025 era only, so these are refused with
 * UnsupportedProtocolVersionError listing the version the child speaks: a dual-era client falls back.
 */
function modernVersion(header: string | string[] | undefined, body: unknown): string | undefined {
  if (typeof header === "string" && !SUPPORTED_PROTOCOL_VERSIONS.includes(header)) return header;
  return messagesOf(body).some((m) => isJSONRPCRequest(m) && m.method === "server/discover")
    ? String(header ?? "unspecified")
    : undefined;
}

/**
 * The 2025-era version a request asks for: its initialize's protocolVersion, else its MCP-Protocol-Version
 * header; undefined when it names none the SDK supports (the child then speaks the latest).
 */
function askedVersion(
  initialize: JSONRPCMessage | undefined,
  header: string | string[] | undefined,
): string | undefined {
  const params =
    initialize && "params" in initialize ? (initialize.params as { protocolVersion?: unknown }) : undefined;
  const asked = initialize ? params?.protocolVersion : header;
  return typeof asked === "string" && SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : undefined;
}

/**
 * POST /mcp in front of a stdio server: each caller gets its own child (stdio-pool.ts), whose messages
 * are answered as JSON or SSE. The caller's `initialize` is answered with the child's handshake result and
 * `notifications/initialized` goes no further, since the front did both when the child started.
 */
export function stdioUpstream(
  config: StdioUpstreamConfig,
  lifecycle: Lifecycle,
  heartbeatMs: number,
  logger: Logger,
): StdioUpstream {
  const pool = new StdioPool(config, logger);
  const deps: RelayDeps = { config, lifecycle, heartbeatMs, name: stdioUpstreamName(config) };
  lifecycle.onDrainClose(() => pool.stopAll());

  const post: RequestHandler = async (req, res) => {
    const requested = modernVersion(req.headers["mcp-protocol-version"], req.body);
    const ids = requestIdsOf(req.body);
    const messages = messagesOf(req.body) as JSONRPCMessage[];
    const initialize = messages.find((m) => isJSONRPCRequest(m) && m.method === "initialize");
    const ready = await readyChild(pool, req, res, ids, initialize);
    if (ready === undefined) return;
    const childVersion = String(ready.initializeResult.protocolVersion);
    if (requested !== undefined) {
      res.status(400).json({
        jsonrpc: "2.0",
        id: ids[0] ?? null,
        error: {
          code: JsonRpcCode.UnsupportedProtocolVersion,
          message: `Unsupported protocol version: ${deps.name} speaks ${childVersion} through this front`,
          data: { supported: [childVersion], requested },
        },
      });
      return;
    }
    relayToChild(deps, res, ready, ids, messages, Array.isArray(req.body));
  };
  return { post, pool };
}

/** The caller's child once it has answered its handshake; undefined when it cannot (answered 503 or 502). */
async function readyChild(
  pool: StdioPool,
  req: Request,
  res: Response,
  ids: readonly RequestId[],
  initialize: JSONRPCMessage | undefined,
): Promise<ReadyChild | undefined> {
  try {
    const child = pool.acquire(
      callerOf(req.auth) ?? ANONYMOUS_CALLER,
      askedVersion(initialize, req.headers["mcp-protocol-version"]),
      initialize !== undefined,
    );
    return { child, initializeResult: await child.ready };
  } catch (error) {
    if (error instanceof ChildrenExhaustedError) {
      sendJsonRpcError(res, 503, JsonRpcCode.ServerError, error.message, { "Retry-After": "5" });
    } else {
      failExchange(res, 502, ids, (error as Error).message);
    }
    return undefined;
  }
}

interface ReadyChild {
  readonly child: StdioChild;
  readonly initializeResult: Record<string, unknown>;
}

interface RelayDeps {
  readonly config: StdioUpstreamConfig;
  readonly lifecycle: Lifecycle;
  readonly heartbeatMs: number;
  /** The upstream as messages name it. */
  readonly name: string;
}

/**
 * Sends the body's messages to the child and writes its answers as they come (JSON or SSE); the requests
 * still waiting when the upstream stays silent, the drain ends or the client goes away are answered or
 * cancelled at the child.
 */
function relayToChild(
  { config, lifecycle, heartbeatMs, name }: RelayDeps,
  res: Response,
  { child, initializeResult }: ReadyChild,
  ids: readonly RequestId[],
  messages: readonly JSONRPCMessage[],
  batch: boolean,
): void {
  const finishRequest = ids.length > 0 ? lifecycle.beginRequest() : () => undefined;
  const forwarded = new Map<RequestId, number>();
  let timer: NodeJS.Timeout | undefined;
  const writer = new ExchangeWriter(res, ids, batch, heartbeatMs, () => {
    clearTimeout(timer);
    finishRequest();
    unregisterDrain();
  });
  /** Ends the requests still waiting with `error`, and tells the child to stop working on them. */
  const abandon = (error: { code: number; message: string }): void => {
    const waiting = writer.pendingIds;
    writer.failPending(error);
    for (const id of waiting) {
      const childId = forwarded.get(id);
      if (childId !== undefined) child.cancel(childId, error.message);
    }
  };
  const unregisterDrain = lifecycle.onDrainClose(() => abandon(DRAIN_ABORT_ERROR));
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(
      () =>
        abandon({
          code: UPSTREAM_ERROR_CODE,
          message: `${name} did not answer within ${config.timeoutMs / 1000} s (MCP_UPSTREAM_TIMEOUT_SECONDS)`,
        }),
      config.timeoutMs,
    );
  };
  res.once("close", () => {
    if (writer.done) return;
    // The caller went away first: the child stops the work it asked for.
    for (const childId of forwarded.values()) child.cancel(childId, "the client closed the connection");
    writer.cut();
  });
  const deliver = (message: Outgoing): void => {
    if (writer.done) return;
    arm();
    // A caller who does not read holds the child's stdout, not the front's memory.
    if (!writer.deliver(message)) child.holdUntilDrained(res);
  };

  if (ids.length === 0) res.status(202).end();
  else arm();
  for (const message of messages) {
    if (isJSONRPCRequest(message)) {
      if (message.method === "initialize")
        deliver({ jsonrpc: "2.0", id: message.id, result: initializeResult });
      else
        forwarded.set(
          message.id,
          child.request(message, deliver, (reason) =>
            deliver(errorResponse(message.id, `Request cancelled: ${reason}`)),
          ),
        );
    } else if (isJSONRPCNotification(message)) {
      forwardNotification(child, message);
    }
  }
  if (ids.length === 0) writer.cut();
}

/** A client notification for the child: a cancel names the caller's id, mapped to the child's. */
function forwardNotification(child: StdioChild, message: JSONRPCMessage & { method: string }): void {
  if (message.method === "notifications/initialized") return;
  if (message.method === "notifications/cancelled") {
    const cancellation = cancellationOf(message);
    const childId = cancellation && child.childIdOf(cancellation.requestId);
    if (childId !== undefined) child.cancel(childId, cancellation?.reason ?? "cancelled by the client");
    return;
  }
  child.notify(message as Parameters<StdioChild["notify"]>[0]);
}
