// Stands in for `iconv-lite` in the server bundle (package.json "bundle": --alias:iconv-lite=...). body-parser
// and raw-body use iconv-lite only to turn a body's bytes into a string in the charset its Content-Type names;
// the package brings every code page it knows (483 KB of tables, a fifth of server.js, parsed on every start).
// The server reads JSON-RPC bodies only as UTF-8 (json-rpc-body.ts answers 415 to any other charset first),
// and the authorization front's form and JSON bodies come from browsers and OAuth clients in UTF-8, so only
// the charsets node's Buffer decodes itself are kept; any other charset is "not recognized", which
// body-parser and raw-body answer with 415 (unsupported charset), as iconv-lite does for an unknown name.
import { StringDecoder } from "node:string_decoder";

type NodeCharset = "utf8" | "utf16le" | "latin1";

/** iconv-lite's spelling-insensitive names (lower case, letters and digits only) for node's own decoders. */
const CHARSETS: Readonly<Record<string, NodeCharset>> = {
  utf8: "utf8",
  utf16le: "utf16le",
  ucs2: "utf16le",
  latin1: "latin1",
  binary: "latin1",
  iso88591: "latin1",
};

/** A byte-order mark; iconv-lite drops it from the start of a decoded UTF-8 or UTF-16 text, and so does this. */
const BOM = "\uFEFF";

/** The charset behind `encoding` as iconv-lite spells names: case, dashes and a `:yyyy` suffix do not matter. */
function charsetOf(encoding: string): NodeCharset | undefined {
  const name = String(encoding)
    .toLowerCase()
    .replace(/:\d{4}$|[^0-9a-z]/g, "");
  return Object.hasOwn(CHARSETS, name) ? CHARSETS[name] : undefined;
}

/** iconv-lite's streaming decoder, as raw-body uses it. */
export interface Decoder {
  /** The text of `bytes`; a character cut at the chunk's end is held for the next call. */
  write(bytes: Buffer): string;
  /** What is left of a cut character at the end of the body, if anything. */
  end(): string | undefined;
}

/** Whether `encoding` is one of the charsets kept (body-parser asks when a `verify` hook is set). */
export function encodingExists(encoding: string): boolean {
  return charsetOf(encoding) !== undefined;
}

/** A streaming decoder (raw-body): characters split across chunks are joined, a leading BOM is dropped. */
export function getDecoder(encoding: string): Decoder {
  const charset = charsetOf(encoding);
  // raw-body recognises an unknown charset by this message's start (and answers 415).
  if (charset === undefined) throw new Error(`Encoding not recognized: '${encoding}'`);
  const decoder = new StringDecoder(charset);
  let first = charset !== "latin1";
  const stripBom = (text: string): string => {
    if (!first || text.length === 0) return text;
    first = false;
    return text.startsWith(BOM) ? text.slice(1) : text;
  };
  return {
    write: (bytes) => stripBom(decoder.write(bytes)),
    end: () => stripBom(decoder.end()) || undefined,
  };
}

/** The whole of `bytes` as text (body-parser). */
export function decode(bytes: Buffer | string, encoding: string): string {
  const decoder = getDecoder(encoding);
  const buffer = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes;
  return decoder.write(buffer) + (decoder.end() ?? "");
}

/** `text` as bytes in `encoding`: iconv-lite's API; throws on a charset not kept. */
export function encode(text: string, encoding: string): Buffer {
  const charset = charsetOf(encoding);
  if (charset === undefined) throw new Error(`Encoding not recognized: '${encoding}'`);
  return Buffer.from(String(text), charset);
}
