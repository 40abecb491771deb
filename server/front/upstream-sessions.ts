/** Upstream sessions remembered at most; beyond, the oldest is forgotten (its client re-initializes). */
const MAX_SESSIONS = 10_000;

/**
 * Who each 2025-era session of an HTTP upstream belongs to: the caller whose `initialize` the upstream
 * answered with that Mcp-Session-Id. The upstream knows nothing of our callers, so without this a leaked
 * session id would let one caller act in another's session. A session id the front did not see issued
 * (another replica's, or from before a restart) is refused like another caller's: 404, and the client
 * initializes again, as the spec has it for an ended session.
 */
export class UpstreamSessions {
  private readonly owners = new Map<string, string | undefined>();

  /** Whether `owner` (sessionOwner(req): undefined for anonymous callers) may use `sessionId`. */
  allows(sessionId: string, owner: string | undefined): boolean {
    return this.owners.has(sessionId) && this.owners.get(sessionId) === owner;
  }

  record(sessionId: string, owner: string | undefined): void {
    this.owners.delete(sessionId);
    this.owners.set(sessionId, owner);
    if (this.owners.size > MAX_SESSIONS) this.owners.delete(this.owners.keys().next().value as string);
  }

  forget(sessionId: string): void {
    this.owners.delete(sessionId);
  }
}
