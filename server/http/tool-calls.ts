import type { RequestId } from "@modelcontextprotocol/server";

/** The `tools/call` requests of a parsed body (one message or a batch), and the id to answer a refusal with. */
export function toolCallsIn(body: unknown): { ids: RequestId[]; answerId: RequestId | null } {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  const ids: RequestId[] = [];
  for (const message of messages) {
    if (typeof message !== "object" || message === null) continue;
    const { method, id } = message as { method?: unknown; id?: unknown };
    // Without an id it is a notification: nothing runs. The envelope check let only string or integer ids in.
    if (method === "tools/call" && (typeof id === "string" || typeof id === "number")) ids.push(id);
  }
  return { ids, answerId: !Array.isArray(body) && ids.length === 1 ? ids[0] : null };
}

/** The request a `notifications/cancelled` body cancels, if that is what the body is. */
export function cancelledRequestId(body: unknown): RequestId | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const { method, params } = body as { method?: unknown; params?: { requestId?: unknown } };
  if (method !== "notifications/cancelled" || "id" in body) return undefined;
  const requestId = params?.requestId;
  return typeof requestId === "string" || typeof requestId === "number" ? requestId : undefined;
}
