import { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
} from "@modelcontextprotocol/sdk/types.js";

/**
 * The app's moving parts during its life: open MCP connections (for MCP_MAX_CONNECTIONS), JSON-RPC requests
 * in flight (what a graceful shutdown waits for), and long-lived streams to close when draining ends.
 */
export class Lifecycle {
  private drainingSince?: number;
  private connections = 0;
  private requests = 0;
  private readonly streamClosers = new Set<() => void>();
  private readonly idleWaiters = new Set<() => void>();

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  get openConnections(): number {
    return this.connections;
  }

  get requestsInFlight(): number {
    return this.requests;
  }

  /** Counts one open MCP connection; returns the function that releases it (safe to call twice). */
  openConnection(): () => void {
    this.connections++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.connections--;
    };
  }

  /**
   * Counts one JSON-RPC request in flight that no SDK transport sees (front mode forwards it); returns the
   * function that marks it finished (safe to call twice).
   */
  beginRequest(): () => void {
    this.requests++;
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.finishRequest();
    };
  }

  /** Registers how to close a long-lived stream or session when draining ends; returns the unregister function. */
  onDrainClose(close: () => void): () => void {
    this.streamClosers.add(close);
    return () => this.streamClosers.delete(close);
  }

  /** Counts the JSON-RPC requests that pass through `transport`. Call after `server.connect(transport)`. */
  track(transport: Transport): void {
    const pending = new Set<string | number>();
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (isJSONRPCRequest(message) && !pending.has(message.id)) {
        pending.add(message.id);
        this.requests++;
      } else if (isJSONRPCNotification(message) && message.method === "notifications/cancelled") {
        // A cancelled request gets no response, so it ends here.
        const cancelled = (message.params as { requestId?: string | number } | undefined)?.requestId;
        if (cancelled !== undefined && pending.delete(cancelled)) this.finishRequest();
      }
      onmessage?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      const answers =
        (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) &&
        message.id !== undefined &&
        pending.has(message.id);
      try {
        return await send(message, options);
      } finally {
        // Counted as finished only once the answer is handed to the stream, so draining never cuts it off.
        if (answers && pending.delete(message.id as string | number)) this.finishRequest();
      }
    };
    const onclose = transport.onclose;
    transport.onclose = () => {
      for (const _id of pending) this.finishRequest();
      pending.clear();
      onclose?.();
    };
  }

  /**
   * Stops taking new work, waits for requests in flight (up to `graceMs`), then closes every stream.
   * Resolves true when everything finished in time.
   */
  async drain(graceMs: number): Promise<boolean> {
    this.drainingSince ??= Date.now();
    const finished = await new Promise<boolean>((resolve) => {
      if (this.requests === 0) return resolve(true);
      const timer = setTimeout(() => {
        this.idleWaiters.delete(done);
        resolve(false);
      }, graceMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.add(done);
    });
    for (const close of [...this.streamClosers]) close();
    this.streamClosers.clear();
    return finished;
  }

  private finishRequest(): void {
    this.requests--;
    if (this.requests > 0) return;
    for (const wake of [...this.idleWaiters]) wake();
    this.idleWaiters.clear();
  }
}
