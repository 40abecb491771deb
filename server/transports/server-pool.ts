import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/**
 * Idle, fully built McpServer instances for the stateless path. Building one (tool registrations, schema
 * conversion) costs far more than handling a small request, so each request borrows one and gives it back
 * when its transport closes. At most `maxIdle` are kept; bursts beyond that build fresh ones.
 */
export class ServerPool {
  private readonly idle: McpServer[] = [];

  constructor(
    private readonly factory: () => McpServer,
    private readonly maxIdle = 64,
  ) {}

  acquire(): McpServer {
    return this.idle.pop() ?? this.factory();
  }

  release(server: McpServer): void {
    if (this.idle.length < this.maxIdle) this.idle.push(server);
  }
}
