import type { RequestId } from "@modelcontextprotocol/server";
import type { ToolCallSlot } from "./caller-slots";

/** What the tracker needs of a transport: the SDK's Streamable HTTP and legacy SSE transports both fit. */
interface SendingTransport {
  send(message: never, ...rest: never[]): Promise<void>;
}

/** Holds a caller's tool-call slots for as long as the calls run, whatever the transport. */
export interface ToolCallTracker {
  /**
   * Holds `slots` until their calls are answered, cancelled or the session ends. Returns the release of
   * just these, for a POST the transport refused (its calls never ran).
   */
  hold(slots: readonly ToolCallSlot[]): () => void;
  /** The client cancelled request `id` (notifications/cancelled): the SDK sends no answer for it. */
  cancelled(id: RequestId): void;
  /** The session ended: every call still held is over. */
  releaseAll(): void;
}

const isResponse = (message: unknown): message is { id: RequestId } =>
  typeof message === "object" &&
  message !== null &&
  "id" in message &&
  !("method" in message) &&
  ("result" in message || "error" in message);

/**
 * For transports whose calls outlive the POST that carried them (legacy SSE, stateful sessions): frees a
 * call's MCP_MAX_TOOL_CALLS_PER_CALLER slot when the server answers it (wrapping `send`, as the SDK's
 * Protocol calls it for every message), when the client cancels it, or when the session closes.
 */
export function trackToolCallSlots(transport: SendingTransport): ToolCallTracker {
  const held = new Map<RequestId, Array<() => void>>();
  const releaseOne = (id: RequestId): void => {
    const releases = held.get(id);
    releases?.shift()?.();
    if (releases?.length === 0) held.delete(id);
  };
  const send = transport.send.bind(transport) as (message: unknown, ...rest: unknown[]) => Promise<void>;
  (transport as unknown as { send: typeof send }).send = (message, ...rest) => {
    if (isResponse(message)) releaseOne(message.id);
    return send(message, ...rest);
  };
  return {
    hold(slots) {
      for (const { id, release } of slots) held.set(id, [...(held.get(id) ?? []), release]);
      return () => {
        for (const { id, release } of slots) {
          const rest = (held.get(id) ?? []).filter((r) => r !== release);
          if (rest.length > 0) held.set(id, rest);
          else held.delete(id);
          release();
        }
      };
    },
    cancelled: releaseOne,
    releaseAll() {
      for (const releases of held.values()) for (const release of releases) release();
      held.clear();
    },
  };
}
