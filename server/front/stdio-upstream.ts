import type { RequestHandler } from "express";
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
import { sendJsonRpcError } from "../http/json-rpc-error";
import type { Lifecycle } from "../lifecycle";
import type { StdioUpstreamConfig } from "./config";
import { ExchangeWriter } from "./exchange-writer";
import { stdioUpstreamName, type StdioChild } from "./stdio-child";
import { ChildrenExhaustedError, StdioPool } from "./stdio-pool";
import { errorResponse, failExchange, requestIdsOf } from "./upstream-error";

/** JSON-RPC code of UnsupportedProtocolVersionError (2026-07-28 basic/versioning). */
const UNSUPPORTED_PROTOCOL_VERSION = -32022;

export interface StdioUpstream {
  readonly post: RequestHandler;
  readonly pool: StdioPool;
}

/**
 * A request of the 2026-07-28 (modern) era: its MCP-Protocol-Version is not a 2025-era one, or it is
 * `server/discover`. The child is spoken to in the 2025 era only, so these are refused with
 * UnsupportedProtocolVersionError listing the version the child speaks: a dual-era client falls back.
 */
function modernVersion(header: string | string[] | undefined, body: unknown): string | undefined {
  if (typeof header === "string" && !SUPPORTED_PROTOCOL_VERSIONS.includes(header)) return header;
  const messages = Array.isArray(body) ? body : [body];
  return messages.some((m) => isJSONRPCRequest(m) && m.method === "server/discover")
    ? String(header ?? "unspecified")
    : undefined;
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
  const name = stdioUpstreamName(config);
  lifecycle.onDrainClose(() => pool.stopAll());

  const post: RequestHandler = async (req, res) => {
    const requested = modernVersion(req.headers["mcp-protocol-version"], req.body);
    const ids = requestIdsOf(req.body);
    let child: StdioChild;
    let initializeResult: Record<string, unknown>;
    try {
      child = pool.acquire(callerOf(req.auth) ?? ANONYMOUS_CALLER);
      initializeResult = await child.ready;
    } catch (error) {
      if (error instanceof ChildrenExhaustedError) {
        sendJsonRpcError(res, 503, -32000, error.message, { "Retry-After": "5" });
      } else {
        failExchange(res, 502, ids, (error as Error).message);
      }
      return;
    }
    const childVersion = String(initializeResult.protocolVersion);
    if (requested !== undefined) {
      res.status(400).json({
        jsonrpc: "2.0",
        id: ids[0] ?? null,
        error: {
          code: UNSUPPORTED_PROTOCOL_VERSION,
          message: `Unsupported protocol version: ${name} speaks ${childVersion} through this front`,
          data: { supported: [childVersion], requested },
        },
      });
      return;
    }

    const messages = (Array.isArray(req.body) ? req.body : [req.body]) as JSONRPCMessage[];
    const finishRequest = ids.length > 0 ? lifecycle.beginRequest() : () => undefined;
    const forwarded = new Map<RequestId, number>();
    let timer: NodeJS.Timeout | undefined;
    const writer = new ExchangeWriter(res, ids, Array.isArray(req.body), heartbeatMs, () => {
      clearTimeout(timer);
      finishRequest();
      unregisterDrain();
    });
    const unregisterDrain = lifecycle.onDrainClose(() => writer.cut());
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const message = `${name} did not answer within ${config.timeoutMs / 1000} s (MCP_UPSTREAM_TIMEOUT_SECONDS)`;
        for (const id of writer.pendingIds) {
          const childId = forwarded.get(id);
          if (childId !== undefined) child.cancel(childId, "timed out at the front");
          writer.deliver(errorResponse(id, message));
        }
      }, config.timeoutMs);
    };
    res.once("close", () => {
      if (writer.done) return;
      // The caller went away first: the child stops the work it asked for.
      for (const childId of forwarded.values()) child.cancel(childId, "the client closed the connection");
      writer.cut();
    });
    const deliver = (message: JSONRPCMessage): void => {
      arm();
      writer.deliver(message);
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
            child.request(message, deliver, () => writer.drop(message.id)),
          );
      } else if (isJSONRPCNotification(message)) {
        forwardNotification(child, message);
      }
    }
    if (ids.length === 0) writer.cut();
  };
  return { post, pool };
}

/** A client notification for the child: a cancel names the caller's id, mapped to the child's. */
function forwardNotification(child: StdioChild, message: JSONRPCMessage & { method: string }): void {
  if (message.method === "notifications/initialized") return;
  if (message.method === "notifications/cancelled") {
    const params = (message as { params?: { requestId?: RequestId; reason?: string } }).params;
    const childId = params?.requestId === undefined ? undefined : child.childIdOf(params.requestId);
    if (childId !== undefined) child.cancel(childId, params?.reason ?? "cancelled by the client");
    return;
  }
  child.notify(message as Parameters<StdioChild["notify"]>[0]);
}
