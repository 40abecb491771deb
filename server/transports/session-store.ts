import { CallerSlots } from "../http/caller-slots";

/** The bounds on 2025-era stateful sessions. */
export interface SessionLimits {
  /** Sessions at once on this replica (MCP_MAX_SESSIONS). */
  readonly maxSessions: number;
  /** Sessions of one caller (MCP_MAX_SESSIONS_PER_CALLER). */
  readonly maxSessionsPerCaller: number;
  /** A session without open requests for this long is closed by `sweepIdle` (MCP_SESSION_IDLE_SECONDS). */
  readonly idleMs: number;
}

/** Seconds a refused initialize is told to wait: about when an idle session may have expired or ended. */
export const SESSION_RETRY_AFTER_SECONDS = 10;

/** A place for one new session, held from admission until the session ends (or never starts). */
export type Admission =
  | {
      /** Admitted: a place is held. */
      readonly ok: true;
      /** Gives the place back; `SessionStore.add` hands it on to run when the session is removed. */
      readonly release: () => void;
    }
  | {
      /** Refused: the replica or the caller is full. */
      readonly ok: false;
      /** 503 when the replica is full (another replica may take it), 429 when the caller is. */
      readonly status: 429 | 503;
      /** The JSON-RPC error message, naming the limit and its variable. */
      readonly message: string;
    };

interface Entry<S> {
  readonly session: S;
  readonly owner: string | undefined;
  readonly release: () => void;
  lastSeen: number;
  openRequests: number;
}

/**
 * The 2025-era stateful sessions of this replica, bounded in total and per caller, with idle expiry.
 * Knows nothing of transports: `S` is whatever a session is, as long as it can be closed. A place is taken
 * at admission (before the session has an id), so concurrent initializes cannot overshoot the caps.
 */
export class SessionStore<S extends { close(): unknown }> {
  private readonly sessions = new Map<string, Entry<S>>();
  private readonly perCaller: CallerSlots;
  private admitted = 0;

  constructor(
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.perCaller = new CallerSlots(limits.maxSessionsPerCaller);
  }

  /** Sessions open on this replica. */
  get count(): number {
    return this.sessions.size;
  }

  /** Takes a place for a new session of `callerKey`: 503 when the replica is full, 429 when the caller is. */
  admit(callerKey: string): Admission {
    const { maxSessions, maxSessionsPerCaller } = this.limits;
    if (this.admitted >= maxSessions) {
      return {
        ok: false,
        status: 503,
        message: `Service Unavailable: ${maxSessions} sessions are open on this replica (MCP_MAX_SESSIONS=${maxSessions}); retry later`,
      };
    }
    const releaseCaller = this.perCaller.take(callerKey);
    if (releaseCaller === undefined) {
      return {
        ok: false,
        status: 429,
        message:
          `Too Many Requests: this caller already has ${maxSessionsPerCaller} sessions ` +
          `(MCP_MAX_SESSIONS_PER_CALLER=${maxSessionsPerCaller}); end one with DELETE /mcp or let it expire`,
      };
    }
    this.admitted++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.admitted--;
        releaseCaller();
      },
    };
  }

  /** Records a started session under its id; `release` (from admit) runs when it is removed. */
  add(id: string, session: S, owner: string | undefined, release: () => void): void {
    this.sessions.set(id, { session, owner, release, lastSeen: this.now(), openRequests: 0 });
  }

  /**
   * The session `id` when it belongs to `owner`, counted as busy until the returned `done` runs; another
   * caller's session is reported exactly like a missing one.
   */
  use(id: string, owner: string | undefined): { session: S; done: () => void } | undefined {
    const entry = this.sessions.get(id);
    if (!entry || entry.owner !== owner) return undefined;
    entry.lastSeen = this.now();
    entry.openRequests++;
    let done = false;
    return {
      session: entry.session,
      done: () => {
        if (done) return;
        done = true;
        entry.openRequests--;
        entry.lastSeen = this.now();
      },
    };
  }

  /** Forgets a session (it has closed) and frees its place. */
  remove(id: string): void {
    const entry = this.sessions.get(id);
    if (!entry) return;
    this.sessions.delete(id);
    entry.release();
  }

  /** Closes the sessions with no open request that have been idle for `idleMs`. */
  sweepIdle(): void {
    const cutoff = this.now() - this.limits.idleMs;
    for (const entry of [...this.sessions.values()]) {
      if (entry.openRequests === 0 && entry.lastSeen < cutoff) void entry.session.close();
    }
  }

  /** Closes every session (drain); each is removed as its close completes. */
  closeAll(): void {
    for (const entry of [...this.sessions.values()]) void entry.session.close();
  }
}
