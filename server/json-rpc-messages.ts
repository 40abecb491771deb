import type { RequestId } from "@modelcontextprotocol/server";

/** The messages of a parsed JSON-RPC body: a batch's, or the one message. */
export function messagesOf(body: unknown): readonly unknown[] {
  return Array.isArray(body) ? body : [body];
}

/** What a `notifications/cancelled` names: the request it cancels and, when the client gave one, why. */
export interface Cancellation {
  /** The id of the request the client cancels. */
  readonly requestId: RequestId;
  /** The client's reason, as it gave it (for logs and the cancelled answer). */
  readonly reason?: string;
}

/** The cancellation `message` carries, when it is a `notifications/cancelled` naming a string or integer id. */
export function cancellationOf(message: unknown): Cancellation | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const { method, params } = message as {
    method?: unknown;
    params?: { requestId?: unknown; reason?: unknown };
  };
  // The cheap test first: this runs on every message the server or the front passes on.
  if (method !== "notifications/cancelled" || "id" in message) return undefined;
  const requestId = params?.requestId;
  if (typeof requestId !== "string" && typeof requestId !== "number") return undefined;
  return { requestId, reason: typeof params?.reason === "string" ? params.reason : undefined };
}
