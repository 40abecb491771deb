import type { RequestId } from "@modelcontextprotocol/server";
import { messagesOf } from "../json-rpc-messages";

/** The `tools/call` requests of a parsed body (one message or a batch), and the id to answer a refusal with. */
export function toolCallsIn(body: unknown): { ids: RequestId[]; answerId: RequestId | null } {
  const ids: RequestId[] = [];
  for (const message of messagesOf(body)) {
    if (typeof message !== "object" || message === null) continue;
    const { method, id } = message as { method?: unknown; id?: unknown };
    // Without an id it is a notification: nothing runs. The envelope check let only string or integer ids in.
    if (method === "tools/call" && (typeof id === "string" || typeof id === "number")) ids.push(id);
  }
  return { ids, answerId: !Array.isArray(body) && ids.length === 1 ? ids[0] : null };
}
