import { RequestHandler } from "express";
import "../http/request-auth";
import { McpServer } from "@modelcontextprotocol/server";
import type { SSEServerTransport } from "@modelcontextprotocol/server-legacy/sse";
import { loadLegacySse } from "../lazy-load";
import { Lifecycle } from "../lifecycle";
import { adoptToolCalls } from "../http/caller-slots";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { trackToolCallSlots, type ToolCallTracker } from "../http/tool-call-tracker";
import { cancellationOf } from "../json-rpc-messages";
import { sessionOwner } from "./session-owner";

interface LegacySession {
  readonly transport: SSEServerTransport;
  readonly owner: string | undefined;
  readonly toolCalls: ToolCallTracker;
  /** The session's server, built and connected when its first message arrives. */
  server?: Promise<McpServer>;
}

/**
 * The 2024-11-05 HTTP+SSE transport (the SDK's frozen v1 copy in server-legacy; 2025 era only): GET /sse opens the stream and names a /messages?sessionId=... URL that
 * takes the client's POSTs. Stateful by nature (one replica or affinity). Heartbeat comments keep idle
 * streams alive through Azure's 240 s ingress timeout. A session takes POSTs only from the caller that opened it.
 * A stream that never sends a message holds no server: the session's McpServer (most of an idle stream's
 * memory) is built and connected when its first message arrives. Each POST is answered 202 at once and its
 * answer goes out on the stream, so a tools/call holds its place under MCP_MAX_TOOL_CALLS_PER_CALLER until
 * that answer is sent, it is cancelled or the stream closes.
 */
export class LegacySseSessions {
  private readonly sessions = new Map<string, LegacySession>();

  constructor(
    private readonly serverFactory: () => McpServer,
    private readonly lifecycle: Lifecycle,
    private readonly heartbeatMs: number,
  ) {}

  /** Open legacy SSE sessions (tests and metrics). */
  get count(): number {
    return this.sessions.size;
  }

  /** GET /sse: opens a session's event stream, whose first event names the /messages URL to POST to. */
  readonly openStream: RequestHandler = async (req, res) => {
    const { SSEServerTransport: Transport } = loadLegacySse();
    const transport = new Transport("/messages", res);
    const session: LegacySession = {
      transport,
      owner: sessionOwner(req),
      toolCalls: trackToolCallSlots(transport),
    };
    const sessionId = transport.sessionId;
    this.sessions.set(sessionId, session);
    const heartbeat = setInterval(() => res.write(": keepalive\n\n"), this.heartbeatMs);
    heartbeat.unref();
    const unregister = this.lifecycle.onDrainClose(() => void transport.close());
    res.once("close", () => {
      clearInterval(heartbeat);
      unregister();
      this.sessions.delete(sessionId);
      session.toolCalls.releaseAll();
      void session.server?.then((server) => server.close());
    });
    // The head and the endpoint event go out now; `connect` would start the transport a second time.
    await transport.start();
    transport.start = async () => undefined;
  };

  private serverOf(session: LegacySession): Promise<McpServer> {
    return (session.server ??= (async () => {
      const server = this.serverFactory();
      await server.connect(session.transport);
      return server;
    })());
  }

  /** POST /messages?sessionId=: a message for the caller's own session, answered 202 and then on its stream. */
  readonly postMessage: RequestHandler = async (req, res) => {
    const sessionId = req.query.sessionId;
    const session = typeof sessionId === "string" ? this.sessions.get(sessionId) : undefined;
    // Another caller's session is answered exactly like a missing one: its existence is not revealed.
    if (!session || session.owner !== sessionOwner(req)) {
      sendJsonRpcError(
        res,
        404,
        JsonRpcCode.SessionNotFound,
        `Session not found: '${String(sessionId ?? "")}'; open GET /sse first`,
      );
      return;
    }
    const refuse = session.toolCalls.hold(adoptToolCalls(res));
    const cancelled = cancellationOf(req.body)?.requestId;
    if (cancelled !== undefined) session.toolCalls.cancelled(cancelled);
    await this.serverOf(session);
    await session.transport.handlePostMessage(req, res, req.body);
    // Anything but 202 means the transport did not take the message: its calls never run.
    if (res.statusCode !== 202) refuse();
  };
}
