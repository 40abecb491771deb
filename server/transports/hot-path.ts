import type { IncomingHttpHeaders } from "node:http";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import {
  classifyInboundRequest,
  isJsonContentType,
  JSONRPCRequest,
  McpServer,
  MessageExtraInfo,
  parseJSONRPCMessage,
  ProtocolEra,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/server";
import "../http/request-auth";
import { ExchangeTiming, HotConnection } from "./hot-connection";
import { ServerPool } from "./server-pool";

/**
 * The modern revision the hot path serves: the one the SDK's HTTP entry serves (its
 * SUPPORTED_MODERN_PROTOCOL_VERSIONS is internal; __tests__/server/hot-path.test.ts fails when it moves).
 */
export const HOT_MODERN_REVISION = "2026-07-28";

/**
 * Requests the hot path answers: stateless, leaving nothing on the server, answered by the server's own
 * handlers. Everything else (initialize, server/discover, subscriptions/listen, notifications, batches,
 * logging/setLevel, task-augmented calls, ...) goes the SDK's way.
 */
const HOT_METHODS = new Set(["tools/call", "tools/list"]);

/** Idle connections kept per era; more are built while concurrency needs them. */
const MAX_IDLE_PER_ERA = 64;

/** What a hot request needs: the message, its era, and (2026-07-28) the SDK's classification of it. */
interface HotRoute {
  readonly message: JSONRPCRequest;
  readonly era: ProtocolEra;
  readonly classification?: MessageExtraInfo["classification"];
}

interface RegisteredTool {
  readonly enabled: boolean;
  readonly scopeChallenge?: unknown;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The request line and headers as the SDK's handler context offers them (`ctx.http.req`), built only when a
 * handler reads them: the web Request the SDK's entry builds per request is most of what the hot path saves.
 */
class RequestView {
  private built?: Headers;
  readonly method = "POST";

  constructor(private readonly req: ExpressRequest) {}

  get url(): string {
    return `http://${this.req.headers.host ?? "localhost"}${this.req.originalUrl}`;
  }

  get headers(): Headers {
    if (this.built) return this.built;
    const headers = new Headers();
    for (const [name, value] of Object.entries(this.req.headers)) {
      if (value === undefined || name === "content-length" || name === "transfer-encoding") continue;
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else headers.set(name, value);
    }
    return (this.built = headers);
  }
}

/**
 * Answers plain stateless `tools/call` and `tools/list` requests of both eras on pooled servers that stay
 * connected (hot-connection.ts), instead of the SDK entry's web Request, per-request transport, `connect` and
 * web Response. Protocol semantics stay the SDK's: the request goes through the server's own dispatch
 * (era gate, registry, envelope, params and argument validation, result encoding, errors). What this file
 * decides is only which requests qualify: exactly those the SDK's entry would hand to dispatch unchanged.
 * A request that fails any of the entry's pre-dispatch checks (or might: an unusual header, a tool with a
 * scope challenge or `x-mcp-header` parameters, a task-augmented call) is left to the SDK path, and so is a
 * request the server rejects before its handler runs, so every refusal keeps the SDK's status and body.
 *
 * Servers come from the SDK path's pool once a first exchange through the entry has bound them to their era;
 * until one is free, requests go the SDK's way (which builds and binds them).
 */
export class HotPath {
  private readonly idle: Record<ProtocolEra, HotConnection[]> = { legacy: [], modern: [] };
  private readonly opening: Record<ProtocolEra, number> = { legacy: 0, modern: 0 };
  private readonly hotTools = new Map<string, boolean>();
  private served = 0;

  constructor(
    private readonly pool: ServerPool,
    private readonly timing: ExchangeTiming,
  ) {}

  /** Requests answered by the hot path so far (tests and metrics). */
  get answered(): number {
    return this.served;
  }

  /**
   * Answers `req` when it qualifies and a connection of its era is free; false leaves the request untouched
   * for the SDK path.
   */
  serve(req: ExpressRequest, res: ExpressResponse): boolean {
    const route = this.route(req);
    if (!route) return false;
    const connection = this.idle[route.era].pop();
    if (!connection) {
      this.promote(route.era);
      return false;
    }
    const name = route.message.params?.name;
    if (route.message.method === "tools/call" && !this.isHotTool(connection.server, name)) {
      this.idle[route.era].push(connection);
      return false;
    }
    const extra: MessageExtraInfo = {
      ...(route.classification !== undefined && { classification: route.classification }),
      request: new RequestView(req) as unknown as Request,
      ...(req.auth !== undefined && { authInfo: req.auth }),
    };
    const outcome = connection.serve(route.message, extra, res, this.timing, this.release);
    if (outcome === "rejected") {
      this.release(connection);
      return false;
    }
    this.served++;
    return true;
  }

  private readonly release = (connection: HotConnection): void => {
    if (connection.broken) return;
    const idle = this.idle[connection.era];
    if (idle.length < MAX_IDLE_PER_ERA) idle.push(connection);
  };

  /** Moves servers the SDK path has bound to `era` (and left idle) onto connections of their own. */
  private promote(era: ProtocolEra): void {
    while (this.idle[era].length + this.opening[era] < MAX_IDLE_PER_ERA) {
      const server = this.pool.takeIdle(era);
      if (!server) return;
      this.opening[era]++;
      void HotConnection.open(server, era).then(
        (connection) => {
          this.opening[era]--;
          this.release(connection);
        },
        () => {
          this.opening[era]--;
        },
      );
    }
  }

  /** A tool answered without the entry's pre-dispatch steps: no scope challenge, no `x-mcp-header` params. */
  private isHotTool(server: McpServer, name: unknown): boolean {
    if (typeof name !== "string") return false;
    const known = this.hotTools.get(name);
    if (known !== undefined) return known;
    // McpServer keeps its tools in a private record (SDK pinned at an exact version).
    const tool = (server as unknown as { _registeredTools: Record<string, RegisteredTool | undefined> })
      ._registeredTools[name];
    if (!tool?.enabled) return false;
    const schema = server.toolInputSchemaJson(name);
    const hot =
      tool.scopeChallenge === undefined &&
      schema !== undefined &&
      !JSON.stringify(schema).includes("x-mcp-header");
    this.hotTools.set(name, hot);
    return hot;
  }

  /** The route of a request the SDK entry would dispatch unchanged, or undefined. */
  private route(req: ExpressRequest): HotRoute | undefined {
    const body: unknown = req.body;
    if (!isPlainObject(body) || typeof body.method !== "string" || !HOT_METHODS.has(body.method)) return;
    const params = body.params;
    if (params !== undefined && (!isPlainObject(params) || params.task !== undefined)) return;
    const headers = req.headers;
    if (!isJsonContentType(header(headers, "content-type"))) return;
    const protocolVersionHeader = header(headers, "mcp-protocol-version");
    const mcpMethodHeader = header(headers, "mcp-method");
    const mcpNameHeader = header(headers, "mcp-name");
    const outcome = classifyInboundRequest({
      httpMethod: "POST",
      ...(protocolVersionHeader !== undefined && { protocolVersionHeader }),
      ...(mcpMethodHeader !== undefined && { mcpMethodHeader }),
      ...(mcpNameHeader !== undefined && { mcpNameHeader }),
      body,
    });
    if (outcome.kind === "modern") {
      if (outcome.messageKind !== "request" || outcome.classification.revision !== HOT_MODERN_REVISION)
        return;
      // The entry's standard-header rung: present and equal to the body, byte for byte (anything else, e.g. a
      // sentinel-encoded name, is the SDK's to judge).
      if (protocolVersionHeader !== HOT_MODERN_REVISION || mcpMethodHeader !== body.method) return;
      const name = (params as { name?: unknown } | undefined)?.name;
      if (body.method === "tools/call" ? mcpNameHeader !== name : mcpNameHeader !== undefined) return;
      return {
        message: outcome.message as JSONRPCRequest,
        era: "modern",
        classification: outcome.classification,
      };
    }
    if (outcome.kind !== "legacy" || outcome.reason !== "no-claim") return;
    // What the stateless 2025-era transport checks before dispatch.
    const accept = header(headers, "accept");
    if (!accept?.includes("application/json") || !accept.includes("text/event-stream")) return;
    if (protocolVersionHeader !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersionHeader))
      return;
    try {
      return { message: parseJSONRPCMessage(body) as JSONRPCRequest, era: "legacy" };
    } catch {
      return;
    }
  }
}
