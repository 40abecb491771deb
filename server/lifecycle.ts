import { RequestId, Transport } from "@modelcontextprotocol/server";
import { JsonRpcCode } from "./http/json-rpc-error";
import { tapTransport } from "./transports/transport-tap";

/** The JSON-RPC error a call still running when the drain grace period ends receives before its stream closes. */
export const DRAIN_ABORT_ERROR = {
  code: JsonRpcCode.ServerError,
  message:
    "Server shutting down: the call did not finish within the drain grace period (MCP_SHUTDOWN_GRACE_SECONDS); retry it",
} as const;

interface TrackedTransport {
  readonly transport: Transport;
  readonly pending: Set<RequestId>;
}

/**
 * The app's moving parts during its life: open MCP connections (for MCP_MAX_CONNECTIONS), JSON-RPC requests
 * in flight (what a graceful shutdown waits for), and long-lived streams to close when draining ends.
 */
export class Lifecycle {
  private drainingSince?: number;
  private connections = 0;
  private requests = 0;
  private readonly streamClosers = new Set<() => void | Promise<void>>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly tracked = new Set<TrackedTransport>();

  /** Whether a drain has started: /readyz answers 503 and new requests are refused. */
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** MCP requests and streams open now (MCP_MAX_CONNECTIONS counts these). */
  get openConnections(): number {
    return this.connections;
  }

  /** JSON-RPC requests not answered yet; a drain waits for these. */
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

  /**
   * Registers how to close a long-lived stream or session when draining ends (a promise, e.g. processes
   * being stopped, is waited for); returns the unregister function.
   */
  onDrainClose(close: () => void | Promise<void>): () => void {
    this.streamClosers.add(close);
    return () => this.streamClosers.delete(close);
  }

  /**
   * Counts the JSON-RPC requests that pass through `transport`. Call after `server.connect(transport)`.
   * When draining ends, each request still pending gets {@link DRAIN_ABORT_ERROR} and the transport closes.
   */
  track(transport: Transport): void {
    const pending = new Set<RequestId>();
    const entry: TrackedTransport = { transport, pending };
    this.tracked.add(entry);
    const finish = (id: RequestId): void => {
      if (pending.delete(id)) this.finishRequest();
    };
    tapTransport(transport, {
      request: (id) => {
        if (pending.has(id)) return;
        pending.add(id);
        this.requests++;
      },
      // A cancelled request gets no response, so it ends here.
      cancelled: finish,
      // Counted as finished only once the answer is handed to the stream, so draining never cuts it off.
      answered: finish,
      closing: () => {
        this.tracked.delete(entry);
        for (const _id of pending) this.finishRequest();
        pending.clear();
      },
    });
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
    if (!finished) await this.abortPending();
    const closing = [...this.streamClosers].map((close) => close());
    this.streamClosers.clear();
    await Promise.all(closing);
    return finished;
  }

  /** Answers every request still running with an error (so no client waits on a stream that just ends). */
  private async abortPending(): Promise<void> {
    const busy = [...this.tracked].filter(({ pending }) => pending.size > 0);
    const aborting = busy.map(async ({ transport, pending }) => {
      for (const id of [...pending]) {
        await transport.send({ jsonrpc: "2.0", id, error: { ...DRAIN_ABORT_ERROR } }).catch(() => undefined);
      }
      await transport.close().catch(() => undefined);
    });
    await Promise.all(aborting);
  }

  private finishRequest(): void {
    this.requests--;
    if (this.requests > 0) return;
    for (const wake of [...this.idleWaiters]) wake();
    this.idleWaiters.clear();
  }
}
