import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { PooledTransport } from "./pooled-transport";

/** A built McpServer and the transport it stays connected to. */
export interface PooledServer {
  readonly server: McpServer;
  readonly transport: PooledTransport;
}

/**
 * Idle, fully built and connected McpServer instances for the stateless path. Building one (tool
 * registrations, schema conversion) and connecting it cost far more than handling a small request, so each
 * request borrows one and gives it back when answered. At most `maxIdle` are kept; bursts beyond that build
 * fresh ones. A server whose client went away mid-request is closed instead of reused: a cancelled tool may
 * still be winding down.
 */
export class ServerPool {
  private readonly idle: PooledServer[] = [];

  constructor(
    private readonly factory: () => McpServer,
    private readonly onCreate: (transport: PooledTransport) => void = () => {},
    private readonly maxIdle = 64,
  ) {}

  async acquire(): Promise<PooledServer> {
    const ready = this.idle.pop();
    if (ready) return ready;
    const entry = { server: this.factory(), transport: new PooledTransport() };
    await entry.server.connect(entry.transport);
    this.onCreate(entry.transport);
    return entry;
  }

  release(entry: PooledServer): void {
    if (this.idle.length < this.maxIdle) this.idle.push(entry);
    else void entry.server.close();
  }

  discard(entry: PooledServer): void {
    void entry.server.close();
  }
}
