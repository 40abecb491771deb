import express, { ErrorRequestHandler, Request, RequestHandler } from "express";
import { fusedJsonBody } from "./json-body-reader";
import { checkEnvelope } from "./json-rpc-envelope";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";
import { exceededJsonLimit, type JsonShapeExcess, type JsonShapeLimits } from "./json-shape";
import { accepts, parseContentType } from "./media-type";

/** Deeper JSON than any MCP message needs; the SDK re-serializes bodies recursively and would overflow. */
export const MAX_JSON_DEPTH = 64;

/** What a POST body may be: its size in bytes and the shape of its JSON, checked before it is parsed. */
export interface JsonBodyLimits {
  /** MCP_MAX_BODY_BYTES */
  readonly maxBodyBytes: number;
  /** MCP_MAX_JSON_VALUES */
  readonly maxJsonValues: number;
  /** MCP_MAX_JSON_OBJECT_KEYS */
  readonly maxJsonObjectKeys: number;
}

/** The answer to a body past one of the shape limits, naming the limit and its variable. */
function shapeMessage(excess: JsonShapeExcess, limits: JsonShapeLimits): string {
  switch (excess) {
    case "maxDepth":
      return `Invalid Request: JSON nested deeper than ${limits.maxDepth} levels`;
    case "maxValues":
      return `Invalid Request: the body holds more than ${limits.maxValues} JSON values (MCP_MAX_JSON_VALUES=${limits.maxValues})`;
    case "maxObjectKeys":
      return `Invalid Request: a JSON object in the body has more than ${limits.maxObjectKeys} keys (MCP_MAX_JSON_OBJECT_KEYS=${limits.maxObjectKeys})`;
  }
}

/**
 * body-parser's `verify` hook: the raw bytes are scanned once (json-shape.ts) before JSON.parse, so a body
 * too deep, too wide or with too many values costs one linear pass, never a parse or the SDK's validation.
 */
function refuseOversizedJson(limits: JsonShapeLimits) {
  return (req: Request, _res: unknown, bytes: Buffer): void => {
    const excess = exceededJsonLimit(bytes, limits);
    if (excess !== undefined) {
      throw Object.assign(new Error(shapeMessage(excess, limits)), { type: JSON_SHAPE_ERROR, status: 400 });
    }
    // Front mode relays these bytes as they came instead of serialising the parsed body again.
    req.rawBody = bytes;
  };
}

const JSON_SHAPE_ERROR = "entity.json.shape";

declare module "express-serve-static-core" {
  interface Request {
    /** The POST body's bytes as received, once they passed the shape checks (`req.body` is their parse). */
    rawBody?: Buffer;
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
 * (json-rpc-envelope.ts), and for JSON nested deeper than MAX_JSON_DEPTH, with more values than
 * MCP_MAX_JSON_VALUES or an object with more keys than MCP_MAX_JSON_OBJECT_KEYS. `req.body` is the parsed value.
 */
export function jsonRpcBody(limits: JsonBodyLimits): RequestHandler[] {
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
  const verify = refuseOversizedJson({
    maxDepth: MAX_JSON_DEPTH,
    maxValues: limits.maxJsonValues,
    maxObjectKeys: limits.maxJsonObjectKeys,
  });
  const bodyParser = express.json({ limit: limits.maxBodyBytes, strict: false, type: () => true, verify });
  // Nearly every body has a Content-Length and no Content-Encoding: read those without body-parser's stack.
  const parse = fusedJsonBody(
    { maxBodyBytes: limits.maxBodyBytes, verify: (req, bytes) => verify(req, undefined, bytes) },
    bodyParser,
  );
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
  message?: string;
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
    } else if (err.type === JSON_SHAPE_ERROR) {
      sendJsonRpcError(res, 400, JsonRpcCode.InvalidRequest, String(err.message));
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
