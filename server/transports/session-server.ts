import type {
  JSONRPCMessage,
  JSONRPCRequest,
  McpServer,
  MessageExtraInfo,
  RequestId,
  Transport,
  TransportSendOptions,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { cancellationOf } from "../json-rpc-messages";

/**
 * How long a session's server outlives its last request in flight, so a burst of calls builds one server
 * (building one costs about 150 µs of CPU). Not after `initialize`, most sessions' only request before they
 * idle: a server kept even a second is promoted to V8's old space and dies there, and B3 showed what that
 * costs (1,000 sessions opened 20 at a time left about 40 KB of such garbage a session, on pages the memory
 * reducer could not give back).
 */
export const SESSION_SERVER_LINGER_MS = 1000;

/**
 * Notifications a sleeping session's server would do nothing with, so none is built for them: nothing is
 * in flight to cancel or report progress on, and `notifications/initialized` only calls the server's
 * `oninitialized`, which this app never sets.
 */
const NOTHING_TO_DO_ASLEEP = new Set([
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
]);

// RFC 5424's levels, the values `logging/setLevel` takes; a request naming another changes nothing.
const LOG_LEVELS = new Set(["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]);

// Ids of the requests replayed into a rebuilt server; its answers to them go nowhere.
const REPLAY_INITIALIZE = "cdktf-azure-mcp/session-server/initialize";
const REPLAY_LOG_LEVEL = "cdktf-azure-mcp/session-server/log-level";

/** What the SDK's transport asks before a POST reaches the server: a scope challenge to answer with, or none. */
export type ScopeChallengeResolver = Parameters<
  WebStandardStreamableHTTPServerTransport["setScopeChallengeResolver"]
>[0];

/** What a session's server is built and run with. */
export interface SessionServerOptions {
  /** Builds a server (the app's instrumented factory); called again each time the session wakes. */
  readonly build: () => McpServer;
  /** The replica's scope challenges, asked before a POST reaches any server (see StatefulSessions). */
  readonly resolveScopeChallenge: ScopeChallengeResolver;
  /** The first server built hands its resolver here (every server of the factory answers alike). */
  readonly offerScopeChallengeResolver: (resolver: ScopeChallengeResolver) => void;
  /** @default SESSION_SERVER_LINGER_MS */
  readonly lingerMs?: number;
}

const isRequest = (message: JSONRPCMessage): message is JSONRPCRequest =>
  "method" in message && "id" in message;
const answerId = (message: JSONRPCMessage): RequestId | undefined =>
  "method" in message || !("id" in message) ? undefined : (message.id as RequestId);

/**
 * The McpServer of one 2025-era stateful session, which exists only while the session has messages in
 * flight (and SESSION_SERVER_LINGER_MS after a request other than initialize): an idle session holds its SDK transport (session id, GET
 * stream, resumption) but no server, which is most of what a session costs (about 20 KB of heap: five
 * tools with their schemas and closures, the protocol's maps). The SDK's transport stays connected to this
 * object instead; each server it builds is connected to a `ServerLink` of its own, which relays to the
 * transport. What a server learns in a session is replayed into the next one through the server's own
 * handlers: the client's `initialize` (capabilities, client info, negotiated version) and its last valid
 * `logging/setLevel`; their answers are dropped. A server is kept while a request of the client is
 * unanswered (a cancel ends it, as the SDK then sends no answer) or a request of the server (elicitation,
 * sampling) awaits the client's answer.
 */
export class SessionServer {
  private link?: Promise<ServerLink>;
  private readonly clientRequests = new Set<RequestId>();
  private readonly serverRequests = new Set<RequestId>();
  private initialize?: JSONRPCRequest;
  private logLevel?: JSONRPCRequest;
  private linger?: NodeJS.Timeout;
  private lingerMs = 0;
  private closed = false;

  constructor(
    private readonly transport: WebStandardStreamableHTTPServerTransport,
    private readonly options: SessionServerOptions,
  ) {
    transport.setScopeChallengeResolver(options.resolveScopeChallenge);
    transport.onmessage = (message, extra) => this.deliver(message, extra);
    transport.onerror = (error) => void this.link?.then((link) => link.onerror?.(error));
  }

  /**
   * Builds the first server now, so the transport knows the server's protocol versions before initialize;
   * it is kept until that first message is handled (or the session closes: an initialize the SDK refused).
   */
  async start(): Promise<void> {
    await this.serverLink();
  }

  /** Whether a server is built (tests). */
  get awake(): boolean {
    return this.link !== undefined;
  }

  /** The session ended: closes its server, if it has one. */
  close(): void {
    this.closed = true;
    clearTimeout(this.linger);
    this.sleep();
  }

  private deliver(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (this.closed) return;
    this.note(message);
    if (this.link === undefined && "method" in message && NOTHING_TO_DO_ASLEEP.has(message.method)) return;
    void this.serverLink().then((link) => {
      link.onmessage?.(message, extra);
      this.idleSoon();
    });
  }

  /** Keeps the accounts of what is in flight and of what a later server must be told. */
  private note(message: JSONRPCMessage): void {
    if (isRequest(message)) {
      this.clientRequests.add(message.id);
      this.lingerMs =
        message.method === "initialize" ? 0 : (this.options.lingerMs ?? SESSION_SERVER_LINGER_MS);
      if (message.method === "initialize") this.initialize = message;
      else if (message.method === "logging/setLevel" && LOG_LEVELS.has(String(message.params?.level)))
        this.logLevel = message;
      return;
    }
    const cancelled = cancellationOf(message)?.requestId;
    if (cancelled !== undefined) this.clientRequests.delete(cancelled);
    const answered = answerId(message);
    if (answered !== undefined) this.serverRequests.delete(answered);
  }

  private get inFlight(): boolean {
    return this.clientRequests.size > 0 || this.serverRequests.size > 0;
  }

  private serverLink(): Promise<ServerLink> {
    clearTimeout(this.linger);
    this.linger = undefined;
    return (this.link ??= this.wake());
  }

  private async wake(): Promise<ServerLink> {
    const server = this.options.build();
    const link = new ServerLink(this.transport, {
      sent: (message) => {
        if (isRequest(message)) this.serverRequests.add(message.id);
        const id = answerId(message);
        if (id !== undefined && this.clientRequests.delete(id)) this.idleSoon();
      },
      offerScopeChallengeResolver: this.options.offerScopeChallengeResolver,
    });
    link.server = server;
    await server.connect(link);
    for (const [id, message] of [
      [REPLAY_INITIALIZE, this.initialize],
      [REPLAY_LOG_LEVEL, this.logLevel],
    ] as const) {
      if (message) await link.replay({ ...message, id });
    }
    return link;
  }

  /** Drops the server once nothing has been in flight for lingerMs. */
  private idleSoon(): void {
    if (this.inFlight || this.linger !== undefined || this.link === undefined) return;
    this.linger = setTimeout(() => {
      this.linger = undefined;
      if (!this.inFlight) this.sleep();
    }, this.lingerMs);
    this.linger.unref();
  }

  private sleep(): void {
    const link = this.link;
    this.link = undefined;
    // Closing the server closes only its link; the session's transport stays open.
    void link?.then((l) => l.server?.close());
  }
}

interface LinkHooks {
  /** A message the server sent on to the session's transport. */
  readonly sent: (message: JSONRPCMessage) => void;
  readonly offerScopeChallengeResolver: (resolver: ScopeChallengeResolver) => void;
}

/** What one server of a session is connected to: relays its messages to the session's transport. */
class ServerLink implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  server?: McpServer;
  private readonly replies = new Map<RequestId, () => void>();
  private closed = false;

  constructor(
    private readonly transport: WebStandardStreamableHTTPServerTransport,
    private readonly hooks: LinkHooks,
  ) {}

  get sessionId(): string | undefined {
    return this.transport.sessionId;
  }

  async start(): Promise<void> {}

  setSupportedProtocolVersions(versions: string[]): void {
    this.transport.setSupportedProtocolVersions(versions);
  }

  setScopeChallengeResolver(resolver: ScopeChallengeResolver): void {
    this.hooks.offerScopeChallengeResolver(resolver);
  }

  /** Hands `message` (a request of the session's past) to the server and waits for its answer, dropped. */
  replay(message: JSONRPCRequest): Promise<void> {
    return new Promise((resolve) => {
      this.replies.set(message.id, resolve);
      this.onmessage?.(message);
    });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const id = answerId(message);
    const replayed = id === undefined ? undefined : this.replies.get(id);
    if (replayed) {
      this.replies.delete(id!);
      replayed();
      return;
    }
    this.hooks.sent(message);
    await this.transport.send(message, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const resolve of this.replies.values()) resolve();
    this.replies.clear();
    this.onclose?.();
  }
}
