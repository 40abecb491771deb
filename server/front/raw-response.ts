import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/server";

/**
 * A child's response passed on as the bytes it wrote, its id replaced: parsing a large result only to
 * serialise it again cost the front about eight times the message in memory and seconds of event loop.
 */
export interface RawResponse {
  /** Tells a raw answer from a parsed JSON-RPC message. */
  readonly raw: true;
  /** The client's request id the answer is for (already mapped back from the child's). */
  readonly id: RequestId;
  /** The message's JSON text, in pieces (the child's bytes around the new id). */
  readonly chunks: readonly Buffer[];
}

/** A message for a caller: a parsed one, or a child's response as bytes. */
export type Outgoing = JSONRPCMessage | RawResponse;

/** Whether `message` is an upstream's answer relayed as its raw bytes. */
export function isRaw(message: Outgoing): message is RawResponse {
  return (message as RawResponse).raw === true;
}

/** A raw response as a parsed message (for the rare reader that needs its content, e.g. the handshake). */
export function parsed(message: Outgoing): JSONRPCMessage {
  return isRaw(message)
    ? (JSON.parse(Buffer.concat(message.chunks).toString("utf8")) as JSONRPCMessage)
    : message;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Buffer, i: number): number {
  while (i < bytes.length && isSpace(bytes[i])) i++;
  return i;
}

/** Index of the quote that closes the string opening at `i`; -1 when it does not close. */
function stringEnd(bytes: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote === -1) return -1;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** Index just past the JSON value starting at `i` (not validated beyond its brackets and strings); -1 if cut. */
function valueEnd(bytes: Buffer, i: number): number {
  let depth = 0;
  for (let j = i; j < bytes.length; j++) {
    const byte = bytes[j];
    if (byte === QUOTE) {
      j = stringEnd(bytes, j);
      if (j === -1) return -1;
      if (depth === 0) return j + 1;
    } else if (byte === 0x7b || byte === 0x5b) depth++;
    else if (byte === 0x7d || byte === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
      if (depth < 0) return j;
    } else if (depth === 0 && (byte === 0x2c || isSpace(byte))) return j;
  }
  return depth === 0 ? bytes.length : -1;
}

/**
 * The top-level members of the JSON object in `bytes`, and where the value of its "id" lies, found without
 * parsing anything deeper (a long string is skipped with indexOf). Undefined when it is not an object.
 */
export function topLevelOf(bytes: Buffer): { members: Set<string>; id?: [number, number] } | undefined {
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== 0x7b) return undefined;
  const members = new Set<string>();
  let id: [number, number] | undefined;
  i = skipSpace(bytes, i + 1);
  if (bytes[i] === 0x7d) return { members };
  for (;;) {
    if (bytes[i] !== QUOTE) return undefined;
    const keyEnd = stringEnd(bytes, i);
    if (keyEnd === -1) return undefined;
    const key = keyEnd - i < 32 ? bytes.toString("utf8", i + 1, keyEnd) : "";
    i = skipSpace(bytes, keyEnd + 1);
    if (bytes[i] !== 0x3a) return undefined;
    const start = skipSpace(bytes, i + 1);
    const end = valueEnd(bytes, start);
    if (end === -1 || end === start) return undefined;
    members.add(key);
    if (key === "id") id = [start, end];
    i = skipSpace(bytes, end);
    if (bytes[i] === 0x7d) return skipSpace(bytes, i + 1) === bytes.length ? { members, id } : undefined;
    if (bytes[i] !== 0x2c) return undefined;
    i = skipSpace(bytes, i + 1);
  }
}
