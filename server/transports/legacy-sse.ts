import { RequestHandler } from "express";
import "../http/request-auth";
import { McpServer } from "@modelcontextprotocol/server";
import { SSEServerTransport } from "@modelcontextprotocol/server-legacy/sse";
import { Lifecycle } from "../lifecycle";
import { adoptToolCalls } from "../http/caller-slots";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { trackToolCallSlots, type ToolCallTracker } from "../http/tool-call-tracker";
import { cancelledRequestId } from "../http/tool-calls";
import { sessionOwner } from "./session-owner";

interface LegacySession {
  readonly transport: SSEServerTransport;
  readonly owner: string | undefined;
  readonly toolCalls: ToolCallTracker;
}

/**
 * The 2024-11-05 HTTP+SSE transport (the SDK's frozen v1 copy in server-legacy; 2025 era only): GET /sse opens the stream and names a /messages?sessionId=... URL that
 * takes the client's POSTs. Stateful by nature (one replica or affinity). Heartbeat comments keep idle
 * streams alive through Azure's 240 s ingress timeout. A session takes POSTs only from the caller that opened it.
 * Each POST is answered 202 at once and its answer goes out on the stream, so a tools/call holds its place
 * under MCP_MAX_TOOL_CALLS_PER_CALLER until that answer is sent, it is cancelled or the stream closes.
 */
export class LegacySseSessions {
  private readonly sessions = new Map<string, LegacySession>();

  constructor(
    private readonly serverFactory: () => McpServer,
    private readonly lifecycle: Lifecycle,
    private readonly heartbeatMs: number,
  ) {}

  get count(): number {
    return this.sessions.size;
  }

  readonly openStream: RequestHandler = async (req, res) => {
    const transport = new SSEServerTransport("/messages", res);
    const server = this.serverFactory();
    const sessionId = transport.sessionId;
    const toolCalls = trackToolCallSlots(transport);
    this.sessions.set(sessionId, { transport, owner: sessionOwner(req), toolCalls });
    const heartbeat = setInterval(() => res.write(": keepalive\n\n"), this.heartbeatMs);
    heartbeat.unref();
    const unregister = this.lifecycle.onDrainClose(() => void transport.close());
    res.once("close", () => {
      clearInterval(heartbeat);
      unregister();
      this.sessions.delete(sessionId);
      toolCalls.releaseAll();
      void server.close();
    });
    await server.connect(transport);
  };

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
    const cancelled = cancelledRequestId(req.body);
    if (cancelled !== undefined) session.toolCalls.cancelled(cancelled);
    await session.transport.handlePostMessage(req, res, req.body);
    // Anything but 202 means the transport did not take the message: its calls never run.
    if (res.statusCode !== 202) refuse();
  };
}
