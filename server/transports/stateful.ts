import { randomUUID } from "node:crypto";
import { RequestHandler } from "express";
import "../http/request-auth";
import {
  isInitializeRequest,
  McpServer,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { Lifecycle } from "../lifecycle";
import { callerKey } from "../http/caller-key";
import { adoptToolCalls } from "../http/caller-slots";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { trackToolCallSlots, type ToolCallTracker } from "../http/tool-call-tracker";
import { cancellationOf } from "../json-rpc-messages";
import { BoundedEventStore } from "./bounded-event-store";
import { EventBudget } from "./event-budget";
import { serveSessionRequest } from "./session-http";
import { ScopeChallengeResolver, SessionServer } from "./session-server";
import { sendSessionNotFound, sessionOwner } from "./session-owner";
import { SESSION_RETRY_AFTER_SECONDS, SessionLimits, SessionStore } from "./session-store";

/** What 2025-era stateful sessions are run with. */
export interface StatefulOptions extends SessionLimits {
  /** MCP_SSE_HEARTBEAT_SECONDS, in ms: keep-alive comments on each session's streams. */
  readonly heartbeatMs: number;
  /** The clock idle time is measured on, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Per session: each session has its own store, so one session can never replay another's events. */
  readonly eventStoreMaxEvents: number;
  /** Per session: stored events older than this cannot be resumed from. */
  readonly eventStoreMaxAgeMs: number;
  /** Per session: bytes of stored events; the oldest go first. */
  readonly eventStoreMaxBytesPerSession: number;
  /** Across all sessions of the replica. */
  readonly eventStoreMaxBytesTotal: number;
  /** How long a session's McpServer outlives its last message in flight. @default SESSION_SERVER_LINGER_MS */
  readonly serverLingerMs?: number;
  /** How often idle sessions and expired events are swept. @default - half the shorter of idleMs and eventStoreMaxAgeMs, at most a minute */
  readonly sweepMs?: number;
}

/**
 * MCP_SESSION_MODE=stateful, 2025-era requests only (the modern era has no sessions; the app routes with the
 * SDK's isLegacyRequest): one SDK transport per session, with a server built while it has messages in flight
 * (SessionServer), the GET stream, DELETE, resumption
 * from a bounded event store of its own, caps on sessions (SessionStore) and on stored event bytes
 * (EventBudget), and a timer that expires idle sessions and sweeps expired events. A session answers only
 * the caller that opened it. Sessions live in this process, so this mode needs one replica or affinity.
 * A call outlives its POST here (the client may go and resume), so its MCP_MAX_TOOL_CALLS_PER_CALLER place
 * is held until it is answered, cancelled or the session ends.
 */
export class StatefulSessions {
  private readonly store: SessionStore<WebStandardStreamableHTTPServerTransport>;
  private readonly budget: EventBudget;
  private readonly sweeper: NodeJS.Timeout;
  private readonly toolCalls = new WeakMap<WebStandardStreamableHTTPServerTransport, ToolCallTracker>();
  // Scope challenges are asked before a POST reaches a server, and a session may have none built: the first
  // server's resolver answers for all (they come from one factory, so their tools and scopes are the same).
  private scopeChallenges?: ScopeChallengeResolver;
  private readonly resolveScopeChallenge: ScopeChallengeResolver = (context) =>
    this.scopeChallenges?.(context);

  constructor(
    private readonly serverFactory: () => McpServer,
    lifecycle: Lifecycle,
    private readonly options: StatefulOptions,
  ) {
    this.store = new SessionStore(options, options.now);
    this.budget = new EventBudget(options.eventStoreMaxBytesTotal);
    const sweepMs =
      options.sweepMs ?? Math.max(10, Math.min(options.idleMs / 2, options.eventStoreMaxAgeMs / 2, 60_000));
    this.sweeper = setInterval(() => {
      this.store.sweepIdle();
      this.budget.sweep();
    }, sweepMs);
    this.sweeper.unref();
    lifecycle.onDrainClose(() => this.closeAll());
  }

  /** Open sessions (tests and metrics). */
  get count(): number {
    return this.store.count;
  }

  /** Bytes of stored events across all sessions (tests and metrics). */
  get storedEventBytes(): number {
    return this.budget.bytes;
  }

  /** POST, GET and DELETE /mcp. */
  readonly handle: RequestHandler = async (req, res) => {
    const sessionId = req.headers["mcp-session-id"];
    if (typeof sessionId === "string") {
      const used = this.store.use(sessionId, sessionOwner(req));
      // Another caller's session is answered exactly like a missing one: its existence is not revealed.
      if (!used) {
        sendSessionNotFound(res, sessionId);
        return;
      }
      res.once("close", used.done);
      const toolCalls = this.toolCalls.get(used.session);
      const refuse = toolCalls?.hold(adoptToolCalls(res));
      await serveSessionRequest(used.session, req, res);
      // An error status means the SDK refused the POST: its calls never run.
      if (res.statusCode >= 400) refuse?.();
      // The SDK keeps a cancelled request's response stream open (keepalives only); nothing more will come.
      const cancelled = cancellationOf(req.body)?.requestId;
      if (cancelled !== undefined) {
        toolCalls?.cancelled(cancelled);
        used.session.closeSSEStream(cancelled);
      }
      return;
    }
    if (req.method === "POST" && isInitializeRequest(req.body)) {
      const admission = this.store.admit(callerKey(req));
      if (!admission.ok) {
        sendJsonRpcError(res, admission.status, JsonRpcCode.ServerError, admission.message, {
          "Retry-After": String(SESSION_RETRY_AFTER_SECONDS),
        });
        return;
      }
      const transport = await this.startSession(sessionOwner(req), admission.release);
      await serveSessionRequest(transport, req, res);
      // An initialize the SDK refused started no session: free its place and its server now.
      if (transport.sessionId === undefined) void transport.close();
      return;
    }
    sendJsonRpcError(
      res,
      400,
      JsonRpcCode.ServerError,
      "Bad Request: Mcp-Session-Id header is required (initialize first)",
    );
  };

  private async startSession(
    owner: string | undefined,
    release: () => void,
  ): Promise<WebStandardStreamableHTTPServerTransport> {
    const eventStore = new BoundedEventStore({
      maxEvents: this.options.eventStoreMaxEvents,
      maxAgeMs: this.options.eventStoreMaxAgeMs,
      maxBytes: this.options.eventStoreMaxBytesPerSession,
      budget: this.budget,
    });
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      eventStore,
      keepAliveMs: this.options.heartbeatMs,
      onsessioninitialized: (id): void => this.store.add(id, transport, owner, release),
    });
    const toolCalls = trackToolCallSlots(transport);
    this.toolCalls.set(transport, toolCalls);
    const server = new SessionServer(transport, {
      build: this.serverFactory,
      resolveScopeChallenge: this.resolveScopeChallenge,
      offerScopeChallengeResolver: (resolver) => (this.scopeChallenges ??= resolver),
      lingerMs: this.options.serverLingerMs,
    });
    transport.onclose = () => {
      toolCalls.releaseAll();
      if (transport.sessionId) this.store.remove(transport.sessionId);
      release();
      eventStore.close();
      server.close();
    };
    await server.start();
    return transport;
  }

  /** Stops the sweeper and closes every session (drain). */
  closeAll(): void {
    clearInterval(this.sweeper);
    this.store.closeAll();
  }
}
