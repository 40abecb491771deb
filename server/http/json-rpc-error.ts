import { Response } from "express";
import { ProtocolErrorCode } from "@modelcontextprotocol/server";

/**
 * Every JSON-RPC error code the server sends, one name per meaning: the SDK's `ProtocolErrorCode` where it
 * has one, ours (JSON-RPC's implementation-defined server range, -32000 to -32099) named here once.
 */
export const JsonRpcCode = {
  ParseError: ProtocolErrorCode.ParseError,
  InvalidRequest: ProtocolErrorCode.InvalidRequest,
  MethodNotFound: ProtocolErrorCode.MethodNotFound,
  InternalError: ProtocolErrorCode.InternalError,
  UnsupportedProtocolVersion: ProtocolErrorCode.UnsupportedProtocolVersion,
  /** Transport-level failures the JSON-RPC spec leaves to the server (the SDK uses -32000 too). */
  ServerError: -32000,
  /** HTTP 404 for a session id the server does not hold: the SDK's transports send -32001 for it too. */
  SessionNotFound: -32001,
  /** HTTP 401, no or bad credentials; the same number as SessionNotFound, told apart by the HTTP status. */
  Unauthorized: -32001,
  /**
   * HTTP 503 while the token signing keys cannot be fetched: a transport-level failure like the others of
   * -32000. Not -32002: 2026-07-28 forbids emitting it (basic/index "Error Codes"), and clients still read it
   * as "resource not found" from earlier servers.
   */
  AuthUnavailable: -32000,
  /** HTTP 403, a valid token without the required scope or role. */
  Forbidden: -32003,
} as const;

/**
 * Answers with the one error shape every HTTP failure has: `{jsonrpc: "2.0", error: {code, message}, id}`;
 * `id` is null unless the failure is about one identifiable request.
 */
export function sendJsonRpcError(
  res: Response,
  status: number,
  code: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  id: string | number | null = null,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status).set(headers).json({ jsonrpc: "2.0", error: { code, message }, id });
}
