import type { RequestHandler } from "express";
import { isJSONRPCRequest, PROTOCOL_VERSION_META_KEY } from "@modelcontextprotocol/server";
import { declaresTasks, TASKS_METHODS, tasksExtensionRequired } from "./extension";

/**
 * Front mode: a 2026-07-28 tasks/get, tasks/update or tasks/cancel whose own `_meta` does not declare the
 * tasks extension gets -32021 from the front (HTTP 400, the SDK's status for it), whatever the upstream
 * serves (SEP-2663). Everything else, declared task requests included, goes on to the upstream unread.
 * Runs after the JSON-RPC body checks, so `req.body` is one parsed message or a (2025-era) batch.
 */
export const refuseUndeclaredTasksMethods: RequestHandler = (req, res, next) => {
  const message: unknown = req.body;
  if (!isJSONRPCRequest(message) || !TASKS_METHODS.has(message.method)) return next();
  const meta = (message.params as { _meta?: Record<string, unknown> } | undefined)?._meta;
  if (meta?.[PROTOCOL_VERSION_META_KEY] === undefined || declaresTasks(meta)) return next();
  const error = tasksExtensionRequired(message.method);
  res.status(400).json({
    jsonrpc: "2.0",
    id: message.id,
    error: { code: error.code, message: error.message, data: error.data },
  });
};
