/** Bounds on the shape of a JSON text, checked before it is parsed. */
export interface JsonShapeLimits {
  /** Nesting depth: the SDK re-serializes bodies recursively and would overflow. */
  readonly maxDepth: number;
  /** Values in the whole text (objects, arrays, strings, numbers, literals; keys are not values). */
  readonly maxValues: number;
  /** Keys of any one object. */
  readonly maxObjectKeys: number;
}

/** The first limit a text goes past, named as in JsonShapeLimits. */
export type JsonShapeExcess = keyof JsonShapeLimits;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const START = -1;

const isWhitespace = (byte: number): boolean =>
  byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * One pass over the raw bytes, no parsing and no allocation beyond one counter per nesting level: finds the
 * first limit the text exceeds, or undefined. Strings are skipped with their escapes (`"\""` does not end
 * a string), so brackets, commas and colons inside them do not count. A token starts a value or key when it
 * follows the start, `[`, `{`, `,` or `:`; directly inside an object after `{` or `,` it is a key. Malformed
 * JSON is counted as far as it goes and left to the parser to refuse. Multi-byte UTF-8 never contains these
 * ASCII bytes, so scanning bytes is exact.
 */
export function exceededJsonLimit(bytes: Uint8Array, limits: JsonShapeLimits): JsonShapeExcess | undefined {
  // Per open container: 1 for an object, 0 for an array; and an object's key count.
  const isObject = new Uint8Array(limits.maxDepth + 1);
  const keys = new Uint32Array(limits.maxDepth + 1);
  let depth = 0;
  let values = 0;
  let previous = START;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (isWhitespace(byte)) continue;
    if (byte === COMMA || byte === COLON || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth = Math.max(0, depth - 1);
      previous = byte;
      continue;
    }
    const startsToken =
      previous === START ||
      previous === OPEN_ARRAY ||
      previous === OPEN_OBJECT ||
      previous === COMMA ||
      previous === COLON;
    if (startsToken) {
      const isKey = depth > 0 && isObject[depth] === 1 && (previous === OPEN_OBJECT || previous === COMMA);
      if (isKey) {
        if (++keys[depth] > limits.maxObjectKeys) return "maxObjectKeys";
      } else if (++values > limits.maxValues) return "maxValues";
    }
    if (byte === QUOTE) {
      // Skip to the closing quote; a backslash escapes the byte after it.
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > limits.maxDepth) return "maxDepth";
      isObject[depth] = byte === OPEN_OBJECT ? 1 : 0;
      keys[depth] = 0;
    }
    previous = byte;
  }
  return undefined;
}
