import { randomUUID } from "node:crypto";
import { RequestHandler } from "express";
import "../http/request-auth";
import { NodeStreamableHTTPServerTransport } from "@modelcontextprotocol/node";
import {
  isInitializeRequest,
  isJSONRPCNotification,
  McpServer,
  RequestId,
} from "@modelcontextprotocol/server";
import { Lifecycle } from "../lifecycle";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { BoundedEventStore } from "./bounded-event-store";
import { sessionOwner } from "./session-owner";

interface Session {
  readonly transport: NodeStreamableHTTPServerTransport;
  readonly owner: string | undefined;
  lastSeen: number;
  openRequests: number;
}

export interface StatefulOptions {
  readonly heartbeatMs: number;
  readonly idleMs: number;
  /** Per session: each session has its own store, so one session can never replay another's events. */
  readonly eventStoreMaxEvents: number;
  readonly eventStoreMaxAgeMs: number;
}

/**
 * MCP_SESSION_MODE=stateful, 2025-era requests only (the modern era has no sessions; the app routes with the
 * SDK's isLegacyRequest): one server and SDK transport per session, the GET stream, DELETE, resumption
 * from a bounded event store of its own, and expiry of sessions idle for `idleMs`. A session answers only
 * the caller that opened it. Sessions live in this process, so this mode needs one replica or affinity.
 */
export class StatefulSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly serverFactory: () => McpServer,
    lifecycle: Lifecycle,
    private readonly options: StatefulOptions,
  ) {
    this.sweeper = setInterval(() => this.expireIdle(), Math.max(10, Math.min(options.idleMs / 2, 60_000)));
    this.sweeper.unref();
    lifecycle.onDrainClose(() => this.closeAll());
  }

  get count(): number {
    return this.sessions.size;
  }

  /** POST, GET and DELETE /mcp. */
  readonly handle: RequestHandler = async (req, res) => {
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const session = this.sessions.get(sessionId);
      // Another caller's session is answered exactly like a missing one: its existence is not revealed.
      if (!session || session.owner !== sessionOwner(req)) {
        sendJsonRpcError(
          res,
          404,
          JsonRpcCode.SessionNotFound,
          `Session not found: '${sessionId}' has ended or expired; initialize again`,
        );
        return;
      }
      session.lastSeen = Date.now();
      session.openRequests++;
      res.once("close", () => {
        session.openRequests--;
        session.lastSeen = Date.now();
      });
      await session.transport.handleRequest(req, res, req.body);
      // The SDK keeps a cancelled request's response stream open (keepalives only); nothing more will come.
      const cancelled = cancelledRequestId(req.body);
      if (cancelled !== undefined) session.transport.closeSSEStream(cancelled);
      return;
    }
    if (req.method === "POST" && isInitializeRequest(req.body)) {
      const transport = await this.startSession(sessionOwner(req));
      await transport.handleRequest(req, res, req.body);
      return;
    }
    sendJsonRpcError(
      res,
      400,
      JsonRpcCode.ServerError,
      "Bad Request: Mcp-Session-Id header is required (initialize first)",
    );
  };

  private async startSession(owner: string | undefined): Promise<NodeStreamableHTTPServerTransport> {
    const server = this.serverFactory();
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      eventStore: new BoundedEventStore(this.options.eventStoreMaxEvents, this.options.eventStoreMaxAgeMs),
      keepAliveMs: this.options.heartbeatMs,
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, owner, lastSeen: Date.now(), openRequests: 0 });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    return transport;
  }

  private expireIdle(): void {
    const cutoff = Date.now() - this.options.idleMs;
    for (const session of [...this.sessions.values()]) {
      if (session.openRequests === 0 && session.lastSeen < cutoff) void session.transport.close();
    }
  }

  closeAll(): void {
    clearInterval(this.sweeper);
    for (const session of [...this.sessions.values()]) void session.transport.close();
  }
}

function cancelledRequestId(body: unknown): RequestId | undefined {
  if (!isJSONRPCNotification(body) || body.method !== "notifications/cancelled") return undefined;
  const requestId = (body.params as { requestId?: unknown } | undefined)?.requestId;
  return typeof requestId === "string" || typeof requestId === "number" ? requestId : undefined;
}
