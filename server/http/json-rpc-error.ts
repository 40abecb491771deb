import { Response } from "express";

/** JSON-RPC error codes used on the HTTP layer. */
export const JsonRpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  /** Transport-level failures the JSON-RPC spec leaves to the server (the SDK uses -32000 too). */
  ServerError: -32000,
  SessionNotFound: -32001,
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
