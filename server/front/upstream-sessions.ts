import type { SessionLimits } from "../transports/session-store";

/** A new upstream session was refused: the replica's list is full of other callers' live sessions. */
export class UpstreamSessionsFullError extends Error {
  constructor(
    /** MCP_MAX_SESSIONS: the number of sessions other callers hold. */
    readonly max: number,
  ) {
    super(
      `Service Unavailable: ${max} upstream sessions of other callers are open on this replica (MCP_MAX_SESSIONS=${max}); retry later`,
    );
  }
}

type Owner = string | undefined;

/**
 * Who each 2025-era session of an HTTP upstream belongs to: the caller whose `initialize` the upstream
 * answered with that Mcp-Session-Id. The upstream knows nothing of our callers, so without this a leaked
 * session id would let one caller act in another's session. A session id the front did not see issued
 * (another replica's, or from before a restart) is refused like another caller's: 404, and the client
 * initializes again, as the spec has it for an ended session.
 *
 * Bounded per caller and per replica, with the stateful sessions' settings: a caller past
 * MCP_MAX_SESSIONS_PER_CALLER forgets its own least recently used session, never another caller's; a
 * session unused for MCP_SESSION_IDLE_SECONDS is forgotten; when MCP_MAX_SESSIONS live sessions belong to
 * others, a caller with none to give up is refused (503) before its initialize reaches the upstream.
 */
export class UpstreamSessions {
  /** Every session, least recently used first. */
  private readonly owners = new Map<string, { owner: Owner; lastUsed: number }>();
  /** Each caller's sessions, least recently used first. */
  private readonly byOwner = new Map<Owner, Set<string>>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sessions remembered on this replica (tests). */
  get size(): number {
    return this.owners.size;
  }

  /** Whether `owner` (sessionOwner(req): undefined for anonymous callers) may use `sessionId`. */
  allows(sessionId: string, owner: Owner): boolean {
    this.expire();
    const entry = this.owners.get(sessionId);
    if (entry === undefined || entry.owner !== owner) return false;
    this.add(sessionId, owner);
    return true;
  }

  /** Throws UpstreamSessionsFullError when `owner` may not open a session now (before it initializes). */
  admit(owner: Owner): void {
    this.expire();
    if (this.owners.size < this.limits.maxSessions || (this.byOwner.get(owner)?.size ?? 0) > 0) return;
    throw new UpstreamSessionsFullError(this.limits.maxSessions);
  }

  /** Remembers a session the upstream just opened for `owner`, forgetting the owner's least recently used one when a limit is reached. */
  record(sessionId: string, owner: Owner): void {
    this.forget(sessionId);
    const mine = this.byOwner.get(owner)?.size ?? 0;
    const full = mine >= this.limits.maxSessionsPerCaller || this.owners.size >= this.limits.maxSessions;
    if (full && mine > 0) this.forget(this.byOwner.get(owner)!.values().next().value as string);
    this.add(sessionId, owner);
  }

  /** Drops a session: the caller deleted it, or the upstream no longer knows it. */
  forget(sessionId: string): void {
    const entry = this.owners.get(sessionId);
    if (entry === undefined) return;
    this.owners.delete(sessionId);
    const mine = this.byOwner.get(entry.owner);
    mine?.delete(sessionId);
    if (mine?.size === 0) this.byOwner.delete(entry.owner);
  }

  /** (Re)inserts at the most recently used end of both orders. */
  private add(sessionId: string, owner: Owner): void {
    this.owners.delete(sessionId);
    this.owners.set(sessionId, { owner, lastUsed: this.now() });
    const mine = this.byOwner.get(owner) ?? new Set<string>();
    mine.delete(sessionId);
    mine.add(sessionId);
    this.byOwner.set(owner, mine);
  }

  private expire(): void {
    const cutoff = this.now() - this.limits.idleMs;
    for (const [sessionId, entry] of this.owners) {
      if (entry.lastUsed > cutoff) return;
      this.forget(sessionId);
    }
  }
}
