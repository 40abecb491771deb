import express, { ErrorRequestHandler, RequestHandler } from "express";
import { checkEnvelope } from "./json-rpc-envelope";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";
import { accepts, parseContentType } from "./media-type";

/** Deeper JSON than any MCP message needs; the SDK re-serializes bodies recursively and would overflow. */
export const MAX_JSON_DEPTH = 64;

/** Nesting depth of a JSON text, counted without parsing (brackets inside strings do not count). */
function jsonDepth(bytes: Buffer): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return deepest;
}

function refuseDeepJson(_req: unknown, _res: unknown, bytes: Buffer): void {
  if (jsonDepth(bytes) > MAX_JSON_DEPTH) {
    throw Object.assign(new Error("too deep"), { type: "entity.too.deep", status: 400 });
  }
}

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
 * (json-rpc-envelope.ts), and for JSON nested deeper than MAX_JSON_DEPTH. `req.body` is the parsed value.
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
  const parse = express.json({
    limit: maxBodyBytes,
    strict: false,
    type: () => true,
    verify: refuseDeepJson,
  });
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
    } else if (err.type === "entity.too.deep") {
      sendJsonRpcError(
        res,
        400,
        JsonRpcCode.InvalidRequest,
        `Invalid Request: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
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
