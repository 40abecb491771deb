import express, { ErrorRequestHandler, RequestHandler } from "express";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

const MAX_BATCH = 100;
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

function mediaType(header: string | undefined): string | undefined {
  return header?.split(";")[0]?.trim().toLowerCase() || undefined;
}

/** Streamable HTTP clients must accept both JSON and SSE answers (406 otherwise). */
export const requireStreamableAccept: RequestHandler = (req, res, next) => {
  const accept = req.headers.accept ?? "";
  if (!accept.includes("application/json") || !accept.includes("text/event-stream")) {
    sendJsonRpcError(
      res,
      406,
      JsonRpcCode.ServerError,
      "Not Acceptable: Accept must list both application/json and text/event-stream",
    );
    return;
  }
  next();
};

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What the SDK accepts as a request id or progress token: a string or a safe integer. */
const isIdLike = (value: unknown): boolean =>
  typeof value === "string" || (typeof value === "number" && Number.isSafeInteger(value));

/** MCP params are an object; `_meta`, when present, an object whose progressToken is id-like. */
function isValidParams(params: unknown): boolean {
  if (params === undefined) return true;
  if (!isObject(params)) return false;
  const meta = params._meta;
  if (meta === undefined) return true;
  return isObject(meta) && (meta.progressToken === undefined || isIdLike(meta.progressToken));
}

/**
 * The JSON-RPC 2.0 envelope, checked by hand: a zod parse here would cost as much as the rest of a small
 * request. It accepts exactly what the SDK recognises as a message: anything looser would be counted as
 * neither request nor notification there and silently go unanswered. The SDK validates each method's params.
 */
function isJsonRpcMessage(value: unknown): boolean {
  if (!isObject(value) || value.jsonrpc !== "2.0") return false;
  const id = value.id;
  if (typeof value.method === "string")
    return (id === undefined || isIdLike(id)) && isValidParams(value.params);
  return (isIdLike(id) && "result" in value) || ((isIdLike(id) || id === null) && isObject(value.error));
}

function isJsonRpc(body: unknown): boolean {
  if (Array.isArray(body)) return body.length > 0 && body.length <= MAX_BATCH && body.every(isJsonRpcMessage);
  return isJsonRpcMessage(body);
}

/**
 * Reads a JSON-RPC POST body: 415 for another content type, 413 over `maxBodyBytes`, -32700 for malformed
 * JSON, -32600 for JSON that is not a JSON-RPC message (or batch of at most 100) or is nested deeper than
 * MAX_JSON_DEPTH. `req.body` is the parsed value.
 */
export function jsonRpcBody(maxBodyBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, res, next) => {
    if (mediaType(req.headers["content-type"]) !== "application/json") {
      sendJsonRpcError(
        res,
        415,
        JsonRpcCode.ServerError,
        "Unsupported Media Type: Content-Type must be application/json",
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
    if (!isJsonRpc(req.body)) {
      sendJsonRpcError(
        res,
        400,
        JsonRpcCode.InvalidRequest,
        "Invalid Request: the body is not a JSON-RPC 2.0 message or batch",
      );
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
