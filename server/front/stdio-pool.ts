import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { Logger } from "pino";
import type { CallerIdentity } from "../auth/types";
import type { StdioUpstreamConfig } from "./config";
import { StdioChild } from "./stdio-child";

/** No child slot is free on this replica: every child is busy with a call. */
export class ChildrenExhaustedError extends Error {
  constructor(
    /** MCP_UPSTREAM_MAX_CHILDREN: the number of children all busy. */
    readonly max: number,
  ) {
    super(
      `Service Unavailable: all ${max} upstream processes on this replica are busy (MCP_UPSTREAM_MAX_CHILDREN=${max})`,
    );
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable exists: an absolute or relative path as given, or a name found on the child's PATH. */
export function commandExists(command: string, path: string | undefined): boolean {
  if (isAbsolute(command) || command.includes("/")) return isExecutable(command);
  return (path ?? "").split(delimiter).some((dir) => dir !== "" && isExecutable(join(dir, command)));
}

/**
 * One stdio child per caller identity, never shared. A caller's next call reuses its child while it lives;
 * a crashed child is replaced on the next call. Children idle for MCP_UPSTREAM_IDLE_SECONDS are stopped.
 * At MCP_UPSTREAM_MAX_CHILDREN, the least recently used idle child makes room; when none is idle the call
 * is refused (the caller retries, or the load balancer tries another replica).
 */
export class StdioPool {
  private readonly children = new Map<string, StdioChild>();
  private readonly reaper: NodeJS.Timeout;
  private lastStartFailed = false;

  constructor(
    private readonly config: StdioUpstreamConfig,
    private readonly logger: Logger,
  ) {
    this.reaper = setInterval(() => this.reapIdle(), Math.min(config.idleMs / 2, 30_000));
    this.reaper.unref();
  }

  /** Children running on this replica (tests). */
  get size(): number {
    return this.children.size;
  }

  /**
   * The caller's child, started (and handshaken) if it has none. `protocolVersion` is the version the
   * caller asked for (in its initialize, or its MCP-Protocol-Version header): a new child handshakes at it.
   * A caller initializing at another version than its idle child speaks gets a fresh child at that version;
   * a busy child is kept (the caller then gets the child's version in its answer). Throws
   * ChildrenExhaustedError when full.
   */
  acquire(caller: CallerIdentity, protocolVersion?: string, initializing = false): StdioChild {
    const key = `${caller.kind}:${caller.id}`;
    const existing = this.children.get(key);
    if (existing?.alive) {
      const mismatch = protocolVersion !== undefined && existing.protocolVersion !== protocolVersion;
      if (!(initializing && mismatch && existing.inFlight === 0)) return existing;
      this.children.delete(key);
      void existing.stop();
    }
    if (this.children.size >= this.config.maxChildren) this.evictOneIdle();
    const child = new StdioChild(
      this.config,
      caller,
      this.logger,
      (gone) => {
        if (this.children.get(key) === gone) this.children.delete(key);
      },
      protocolVersion,
    );
    this.children.set(key, child);
    child.ready.then(
      () => (this.lastStartFailed = false),
      (error: Error) => {
        this.lastStartFailed = true;
        this.logger.warn({ err: error.message }, "upstream child did not start");
      },
    );
    return child;
  }

  /** /readyz: the command can be found, and the last child started did not fail its handshake. */
  ready(): boolean {
    return !this.lastStartFailed && commandExists(this.config.command, this.config.env.PATH);
  }

  /** The child of a caller, if one runs (tests and metrics). */
  childOf(caller: CallerIdentity): StdioChild | undefined {
    return this.children.get(`${caller.kind}:${caller.id}`);
  }

  /** Stops every child (their process groups, SIGKILL after the grace); resolves once all are gone. */
  async stopAll(): Promise<void> {
    clearInterval(this.reaper);
    const stopping = [...this.children.values()].map((child) => child.stop());
    this.children.clear();
    await Promise.all(stopping);
  }

  private evictOneIdle(): void {
    let oldest: [string, StdioChild] | undefined;
    for (const entry of this.children) {
      if (entry[1].inFlight === 0 && (!oldest || entry[1].lastUsed < oldest[1].lastUsed)) oldest = entry;
    }
    if (!oldest) throw new ChildrenExhaustedError(this.config.maxChildren);
    this.children.delete(oldest[0]);
    void oldest[1].stop();
  }

  private reapIdle(): void {
    const cutoff = Date.now() - this.config.idleMs;
    for (const [key, child] of this.children) {
      if (child.inFlight === 0 && child.lastUsed < cutoff) {
        this.children.delete(key);
        void child.stop();
        this.logger.info({ callerId: key }, "upstream child stopped after being idle");
      }
    }
  }
}
