import {
  McpRequestContext,
  McpServer,
  ProtocolEra,
  RequestId,
  Transport,
} from "@modelcontextprotocol/server";
import { tapTransport } from "./transport-tap";

/** Requests that leave per-client state on a server instance: an instance that served one is not reused. */
const STATEFUL_METHODS = new Set([
  "initialize",
  "logging/setLevel",
  "resources/subscribe",
  "resources/unsubscribe",
  "subscriptions/listen",
]);

/**
 * Built server instances for `createMcpHandler`, which asks its factory for one per request. A fresh
 * McpServer pays for its tools' schemas on first use, which costs more than a small request itself, so an
 * instance goes back to an idle list (one per era: an instance is bound to the era it first served) when the
 * SDK closes its request's transport, and the next request of that era borrows it.
 *
 * An instance is reused only when that request was answered: one whose client went away while a call was
 * in flight (the tool may still be winding down and could still try to send), or that served a request
 * leaving per-client state behind (initialize, logging/setLevel, subscriptions), is dropped. An instance is
 * never handed out while it is connected, so results and notifications reach only the request that owns it.
 */
export class ServerPool {
  private readonly idle: Record<ProtocolEra, McpServer[]> = { legacy: [], modern: [] };
  private created = 0;

  constructor(
    private readonly build: () => McpServer,
    private readonly maxIdle = 64,
  ) {}

  /** Instances built so far (tests and metrics). */
  get built(): number {
    return this.created;
  }

  /** Idle instances of `era` waiting for an exchange (tests). */
  idleCount(era: ProtocolEra): number {
    return this.idle[era].length;
  }

  /**
   * Takes an idle instance out of the pool for good (the hot path connects it permanently). Only instances
   * that served an exchange through the SDK entry are idle, so each is already bound to `era`.
   */
  takeIdle(era: ProtocolEra): McpServer | undefined {
    return this.idle[era].pop();
  }

  /** The `createMcpHandler` factory. */
  readonly factory = ({ era }: McpRequestContext): McpServer => {
    const server = this.idle[era].pop() ?? this.buildOne();
    this.leaseOnce(server, era);
    return server;
  };

  private buildOne(): McpServer {
    this.created++;
    return this.build();
  }

  /** Watches the next connection of `server` and decides, when it closes, whether it may serve again. */
  private leaseOnce(server: McpServer, era: ProtocolEra): void {
    const connect = server.connect;
    server.connect = async (transport: Transport) => {
      server.connect = connect;
      await connect.call(server, transport);
      const pending = new Set<RequestId>();
      let reusable = true;
      tapTransport(transport, {
        request: (id, method) => {
          pending.add(id);
          if (STATEFUL_METHODS.has(method)) reusable = false;
        },
        answering: (id) => pending.delete(id),
        closed: () => {
          if (reusable && pending.size === 0 && this.idle[era].length < this.maxIdle)
            this.idle[era].push(server);
        },
      });
    };
  }
}
