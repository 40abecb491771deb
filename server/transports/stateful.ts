import { randomUUID } from "node:crypto";
import { RequestHandler } from "express";
import "../http/request-auth";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { Lifecycle } from "../lifecycle";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { BoundedEventStore } from "./bounded-event-store";
import { sessionOwner } from "./session-owner";

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly owner: string | undefined;
  lastSeen: number;
  openRequests: number;
}

export interface StatefulOptions {
  readonly heartbeatMs: number;
  readonly idleMs: number;
  /** The clock idle time is measured on, in epoch milliseconds. */
  readonly now: () => number;
  /** Per session: each session has its own store, so one session can never replay another's events. */
  readonly eventStoreMaxEvents: number;
  readonly eventStoreMaxAgeMs: number;
}

/**
 * MCP_SESSION_MODE=stateful: one server and SDK transport per session, the GET stream, DELETE, resumption
 * from a bounded event store of its own, and expiry of sessions idle for `idleMs`. A session answers only
 * the caller that opened it. Sessions live in this process, so this mode needs one replica or affinity.
 */
export class StatefulSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly serverFactory: () => McpServer,
    private readonly lifecycle: Lifecycle,
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
      session.lastSeen = this.options.now();
      session.openRequests++;
      res.once("close", () => {
        session.openRequests--;
        session.lastSeen = this.options.now();
      });
      await session.transport.handleRequest(req, res, req.body);
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

  private async startSession(owner: string | undefined): Promise<StreamableHTTPServerTransport> {
    const server = this.serverFactory();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      eventStore: new BoundedEventStore(this.options.eventStoreMaxEvents, this.options.eventStoreMaxAgeMs),
      keepAliveMs: this.options.heartbeatMs,
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, owner, lastSeen: this.options.now(), openRequests: 0 });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    this.lifecycle.track(transport);
    return transport;
  }

  private expireIdle(): void {
    const cutoff = this.options.now() - this.options.idleMs;
    for (const session of [...this.sessions.values()]) {
      if (session.openRequests === 0 && session.lastSeen < cutoff) void session.transport.close();
    }
  }

  closeAll(): void {
    clearInterval(this.sweeper);
    for (const session of [...this.sessions.values()]) void session.transport.close();
  }
}
