import type { Request } from "express";
import type { RequestId } from "@modelcontextprotocol/server";
import { callerOf } from "../auth/middleware";
import { ANONYMOUS_CALLER } from "../auth/types";
import "../http/request-auth";
import { cancellationOf, messagesOf } from "../json-rpc-messages";

/**
 * The exchanges open with an HTTP upstream, by caller, session and request id, so that a client's
 * `notifications/cancelled` can end the one it names. A stateless upstream cannot route a cancel that
 * arrives in its own POST; closing the connection that carries the request is its signal.
 */
export class OpenExchanges {
  private readonly cuts = new Map<string, (reason: string) => void>();

  /** Registers how to cut the exchange carrying requests `ids` of `req`; returns the unregister function. */
  add(req: Request, ids: readonly RequestId[], cut: (reason: string) => void): () => void {
    const keys = ids.map((id) => keyOf(req, id));
    for (const key of keys) this.cuts.set(key, cut);
    return () => {
      for (const key of keys) this.cuts.delete(key);
    };
  }

  /** Cuts the open exchanges that the cancels in `req`'s body name (of the same caller and session). */
  cutCancelled(req: Request): void {
    for (const message of messagesOf(req.body)) {
      const cancellation = cancellationOf(message);
      if (cancellation === undefined) continue;
      this.cuts.get(keyOf(req, cancellation.requestId))?.(cancellation.reason ?? "cancelled by the client");
    }
  }
}

function keyOf(req: Request, id: RequestId): string {
  const caller = callerOf(req.auth) ?? ANONYMOUS_CALLER;
  return JSON.stringify([caller.kind, caller.id, req.headers["mcp-session-id"] ?? "", id]);
}
