/** One entry of a Content-Type or Accept header: the media type (lower case) and its parameters. */
export interface MediaRange {
  /** `type/subtype`, lower case; in Accept, `*` may stand for either part. */
  readonly type: string;
  /** Parameter names lower case, values unquoted (e.g. `charset`, `q`). */
  readonly params: Readonly<Record<string, string>>;
}

function parseRange(entry: string): MediaRange {
  const [type = "", ...rest] = entry.split(";");
  const params: Record<string, string> = {};
  for (const param of rest) {
    const eq = param.indexOf("=");
    if (eq < 0) continue;
    const value = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    params[param.slice(0, eq).trim().toLowerCase()] = value;
  }
  return { type: type.trim().toLowerCase(), params };
}

/** The media type of a Content-Type header, or undefined when there is none. */
export function parseContentType(header: string | undefined): MediaRange | undefined {
  return header === undefined || header.trim() === "" ? undefined : parseRange(header);
}

/**
 * Whether an Accept header lists `type` itself with a q above 0 (`q=0` means "not acceptable", RFC 9110
 * §12.4.2). Wildcards do not count: MCP clients must list application/json and text/event-stream by name.
 */
export function accepts(header: string | undefined, type: string): boolean {
  return (header ?? "")
    .split(",")
    .map(parseRange)
    .some((range) => {
      const q = Number(range.params.q ?? "1");
      return range.type === type && Number.isFinite(q) && q > 0;
    });
}
