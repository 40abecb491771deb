import type { JSONRPCMessage, RequestId, Transport } from "@modelcontextprotocol/server";
import { cancellationOf } from "../json-rpc-messages";

/**
 * What one observer of a connected transport hears: the requests reaching the server, the client's cancels,
 * the server's answers and the close. Each hook runs before the message or close goes on, except
 * `answered` (once the answer is handed to the transport) and `closed` (after the server saw the close).
 */
export interface TransportTap {
  /** A request is about to reach the server. */
  readonly request?: (id: RequestId, method: string) => void;
  /** The client's `notifications/cancelled` names request `id`, which then gets no answer. */
  readonly cancelled?: (id: RequestId) => void;
  /** The server is about to send its answer (result or error) to request `id`. */
  readonly answering?: (id: RequestId) => void;
  /** The answer to request `id` was handed to the transport, or sending it failed. */
  readonly answered?: (id: RequestId) => void;
  /** The transport closed; the server has not seen it yet. */
  readonly closing?: () => void;
  /** The transport closed and the server has seen it. */
  readonly closed?: () => void;
}

// Shape tests on messages the transport has already validated: the SDK's isJSONRPC* guards run a schema parse
// each, on every message.
const answeredIdOf = (message: JSONRPCMessage): RequestId | undefined => {
  if ("method" in message || !("id" in message)) return undefined;
  const id = (message as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
};

/**
 * Hooks `tap` into a transport after `server.connect(transport)`, wrapping its onmessage, send and onclose.
 * Taps stack: the one added last hears each message first.
 */
export function tapTransport(transport: Transport, tap: TransportTap): void {
  const onmessage = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ("method" in message) {
      if ("id" in message) tap.request?.(message.id, message.method);
      else if (tap.cancelled) {
        const cancellation = cancellationOf(message);
        if (cancellation) tap.cancelled(cancellation.requestId);
      }
    }
    onmessage?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    const id = answeredIdOf(message);
    if (id === undefined) return send(message, options);
    tap.answering?.(id);
    if (!tap.answered) return send(message, options);
    try {
      return await send(message, options);
    } finally {
      tap.answered(id);
    }
  };
  const onclose = transport.onclose;
  transport.onclose = () => {
    tap.closing?.();
    onclose?.();
    tap.closed?.();
  };
}
