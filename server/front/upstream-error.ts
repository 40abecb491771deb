import type { Response } from "express";
import { isJSONRPCRequest, type JSONRPCMessage, type RequestId } from "@modelcontextprotocol/server";
import { JsonRpcCode, sendJsonRpcError } from "../http/json-rpc-error";
import { messagesOf } from "../json-rpc-messages";

/** JSON-RPC code of every error the front makes up for a failed upstream (the SDK's transport-level code). */
export const UPSTREAM_ERROR_CODE = JsonRpcCode.ServerError;

/** The ids of the requests in a POST body (a message or a batch); notifications and responses have none. */
export function requestIdsOf(body: unknown): RequestId[] {
  return messagesOf(body)
    .filter((m) => isJSONRPCRequest(m))
    .map((m) => (m as { id: RequestId }).id);
}

/** A JSON-RPC error response to request `id`. */
export function errorResponse(id: RequestId, message: string): JSONRPCMessage {
  return { jsonrpc: "2.0", id, error: { code: UPSTREAM_ERROR_CODE, message } };
}

/**
 * Ends an exchange the upstream failed: before any byte went out, an HTTP error (502 or 504) with the
 * JSON-RPC body; on an open SSE stream, one error event per request still waiting, then the end.
 */
export function failExchange(
  res: Response,
  status: 502 | 503 | 504,
  pendingIds: readonly RequestId[],
  message: string,
): void {
  if (res.writableEnded) return;
  if (!res.headersSent) {
    sendJsonRpcError(res, status, UPSTREAM_ERROR_CODE, message, status === 503 ? { "Retry-After": "5" } : {});
    return;
  }
  for (const id of pendingIds)
    res.write(`event: message\ndata: ${JSON.stringify(errorResponse(id, message))}\n\n`);
  res.end();
}

/**
 * Ends an exchange by answering each request in `ids` with `error` in the body (what the drain promises a
 * call it cuts off): as JSON before any byte went out (a batch as an array), as one SSE event each on an
 * open stream. A JSON answer already under way can only be ended.
 */
export function answerWithErrors(
  res: Response,
  ids: readonly RequestId[],
  batch: boolean,
  error: { code: number; message: string },
): void {
  if (res.writableEnded) return;
  const messages = ids.map((id) => ({ jsonrpc: "2.0", id, error: { ...error } }));
  if (!res.headersSent) {
    if (messages.length === 0) sendJsonRpcError(res, 503, error.code, error.message);
    else res.status(200).json(batch ? messages : messages[0]);
    return;
  }
  if (String(res.getHeader("content-type")).startsWith("text/event-stream")) {
    for (const message of messages) res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }
  res.end();
}
