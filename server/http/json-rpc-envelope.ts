type Json = Record<string, unknown>;

const MAX_BATCH = 100;

/** The first protocol revision without JSON-RPC batching (its changelog: "Remove support for JSON-RPC batching"). */
export const FIRST_VERSION_WITHOUT_BATCHES = "2025-06-18";
/** Where a 2026-07-28-era request carries its protocol version (the per-request `_meta` envelope). */
const META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";

const REQUEST_KEYS = new Set(["jsonrpc", "id", "method", "params"]);
const RESULT_KEYS = new Set(["jsonrpc", "id", "result"]);
const ERROR_KEYS = new Set(["jsonrpc", "id", "error"]);

/** A JSON-RPC request id. */
export type RequestId = string | number;

/** Why a body is refused, and the id to answer with (the message's own id when it has a usable one). */
export interface EnvelopeProblem {
  /** The id the error answer carries: null when the message has none usable. */
  readonly id: RequestId | null;
  /** What is wrong, naming the member and what is allowed, for the JSON-RPC error. */
  readonly message: string;
}

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What the SDK accepts as a request id or progress token: a string or a safe integer. */
const isIdLike = (value: unknown): value is RequestId =>
  typeof value === "string" || (typeof value === "number" && Number.isSafeInteger(value));

/** MCP params are an object; `_meta`, when present, an object whose progressToken is id-like. */
function isValidParams(params: unknown): boolean {
  if (params === undefined) return true;
  if (!isObject(params)) return false;
  const meta = params._meta;
  if (meta === undefined) return true;
  return isObject(meta) && (meta.progressToken === undefined || isIdLike(meta.progressToken));
}

const onlyKeys = (value: Json, allowed: ReadonlySet<string>): boolean =>
  Object.keys(value).every((key) => allowed.has(key));

/**
 * The JSON-RPC 2.0 envelope, checked by hand: a zod parse here would cost as much as the rest of a small
 * request. It accepts exactly what the SDK recognises as a message (its schemas are strict: no extra
 * members); anything looser would be counted as neither request nor notification there and silently go
 * unanswered. The SDK validates each method's params.
 */
function isJsonRpcMessage(value: Json): boolean {
  if (value.jsonrpc !== "2.0") return false;
  const id = value.id;
  if (typeof value.method === "string")
    return onlyKeys(value, REQUEST_KEYS) && (id === undefined || isIdLike(id)) && isValidParams(value.params);
  if ("result" in value) return onlyKeys(value, RESULT_KEYS) && isIdLike(id);
  return onlyKeys(value, ERROR_KEYS) && (isIdLike(id) || id === null) && isObject(value.error);
}

/** The id to answer an invalid message with: its own when usable, so a client waiting on it gets an answer. */
export const answerIdOf = (value: unknown): RequestId | null =>
  isObject(value) && isIdLike(value.id) ? value.id : null;

function checkMessage(value: unknown, where: string): EnvelopeProblem | undefined {
  if (isObject(value) && isJsonRpcMessage(value)) return undefined;
  return {
    id: answerIdOf(value),
    message: `Invalid Request: ${where}is not a JSON-RPC 2.0 message (members jsonrpc "2.0", id, method, params; or a response)`,
  };
}

/** The protocol revision a batch claims: the MCP-Protocol-Version header, a 2026 `_meta`, or initialize's. */
function claimedVersions(batch: readonly Json[], header: string | undefined): string[] {
  const versions = header === undefined ? [] : [header];
  for (const message of batch) {
    const params = isObject(message.params) ? message.params : {};
    const meta = isObject(params._meta) ? params._meta : {};
    if (typeof meta[META_PROTOCOL_VERSION] === "string") versions.push(meta[META_PROTOCOL_VERSION]);
    if (message.method === "initialize" && typeof params.protocolVersion === "string")
      versions.push(params.protocolVersion);
  }
  return versions;
}

function checkBatch(
  batch: readonly unknown[],
  protocolVersion: string | undefined,
): EnvelopeProblem | undefined {
  if (batch.length === 0 || batch.length > MAX_BATCH) {
    return {
      id: null,
      message: `Invalid Request: the body is not a JSON-RPC 2.0 message or batch of 1 to ${MAX_BATCH} messages (got ${batch.length})`,
    };
  }
  for (const [index, message] of batch.entries()) {
    const problem = checkMessage(message, `batch item ${index} `);
    if (problem) return { id: null, message: problem.message };
  }
  const messages = batch as Json[];
  // Dates compare as strings; anything at or after 2025-06-18 (including the 2026-07-28 era) has no batches.
  const newer = claimedVersions(messages, protocolVersion).find((v) => v >= FIRST_VERSION_WITHOUT_BATCHES);
  if (newer !== undefined) {
    return {
      id: null,
      message: `Invalid Request: JSON-RPC batches are not supported in protocol ${newer} (removed in ${FIRST_VERSION_WITHOUT_BATCHES}); send each message as its own POST`,
    };
  }
  // Two requests with one id could not be told apart: each answer must reach the request that asked.
  const seen = new Set<RequestId>();
  for (const message of messages) {
    if (typeof message.method !== "string" || message.id === undefined) continue;
    const id = message.id as RequestId;
    if (seen.has(id)) {
      return {
        id: null,
        message: `Invalid Request: id ${JSON.stringify(id)} is used by more than one request in the batch`,
      };
    }
    seen.add(id);
  }
  return undefined;
}

/**
 * Checks a parsed POST body: one JSON-RPC message, or (only for protocols before 2025-06-18) a batch of at
 * most 100 whose requests have distinct ids. `protocolVersion` is the MCP-Protocol-Version header.
 */
export function checkEnvelope(
  body: unknown,
  protocolVersion: string | undefined,
): EnvelopeProblem | undefined {
  return Array.isArray(body) ? checkBatch(body, protocolVersion) : checkMessage(body, "the body ");
}
