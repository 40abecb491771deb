import express, { ErrorRequestHandler, RequestHandler } from "express";
import { checkEnvelope } from "./json-rpc-envelope";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";
import { accepts, parseContentType } from "./media-type";

/** Streamable HTTP clients must accept both JSON and SSE answers (406 otherwise). */
export const requireStreamableAccept: RequestHandler = (req, res, next) => {
  const accept = req.headers.accept;
  if (!accepts(accept, "application/json") || !accepts(accept, "text/event-stream")) {
    sendJsonRpcError(
      res,
      406,
      JsonRpcCode.ServerError,
      "Not Acceptable: Accept must list both application/json and text/event-stream, neither with q=0",
    );
    return;
  }
  next();
};

/**
 * Reads a JSON-RPC POST body: 415 for another content type, 413 over `maxBodyBytes`, -32700 for malformed
 * JSON, -32600 for JSON that is not a JSON-RPC message (answered with the message's own id when it has one),
 * and for a batch where batches are gone (protocol 2025-06-18 and later) or whose requests repeat an id
 * (json-rpc-envelope.ts). `req.body` is the parsed value.
 */
export function jsonRpcBody(maxBodyBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, res, next) => {
    const contentType = parseContentType(req.headers["content-type"]);
    if (contentType?.type !== "application/json") {
      sendJsonRpcError(
        res,
        415,
        JsonRpcCode.ServerError,
        "Unsupported Media Type: Content-Type must be application/json",
      );
      return;
    }
    const charset = contentType.params.charset?.toLowerCase();
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
      sendJsonRpcError(
        res,
        415,
        JsonRpcCode.ServerError,
        `Unsupported Media Type: charset '${contentType.params.charset}' is not supported; JSON-RPC bodies must be UTF-8 (charset=utf-8)`,
      );
      return;
    }
    next();
  };
  const parse = express.json({ limit: maxBodyBytes, strict: false, type: () => true });
  const requireJsonRpc: RequestHandler = (req, res, next) => {
    const version = req.headers["mcp-protocol-version"];
    const problem = checkEnvelope(req.body, typeof version === "string" ? version : undefined);
    if (problem) {
      sendJsonRpcError(res, 400, JsonRpcCode.InvalidRequest, problem.message, {}, problem.id);
      return;
    }
    next();
  };
  return [requireJson, parse, requireJsonRpc];
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Turns body-parser failures into JSON-RPC errors; anything else becomes a 500 without internals. */
export function jsonRpcErrorHandler(maxBodyBytes: number): ErrorRequestHandler {
  return (err: BodyParserError, _req, res, _next) => {
    if (err.type === "entity.too.large") {
      sendJsonRpcError(
        res,
        413,
        JsonRpcCode.ServerError,
        `Payload Too Large: the body exceeds ${maxBodyBytes} bytes (MCP_MAX_BODY_BYTES)`,
      );
    } else if (err.type === "entity.parse.failed") {
      sendJsonRpcError(res, 400, JsonRpcCode.ParseError, "Parse error: the body is not valid JSON");
    } else if (err.status !== undefined && err.status >= 400 && err.status < 500) {
      sendJsonRpcError(
        res,
        err.status,
        JsonRpcCode.InvalidRequest,
        "Bad Request: the body could not be read",
      );
    } else {
      res.locals.error = err;
      sendJsonRpcError(res, 500, JsonRpcCode.ServerError, "Internal error");
    }
  };
}
