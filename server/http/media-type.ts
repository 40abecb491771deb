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
  if (header === undefined || header.trim() === "") return undefined;
  return remembered(contentTypeMemo, header, parseRange, undefined);
}

/** Headers longer than this are parsed afresh each time (a client's usual header is far shorter). */
const MEMO_MAX_HEADER_LENGTH = 256;
/** Distinct headers remembered per memo; a memo starts over when full. */
const MEMO_MAX_ENTRIES = 64;
const contentTypeMemo = new Map<string, MediaRange>();
const acceptsMemo = new Map<string, Map<string, boolean>>();

/**
 * `judge(header, arg)`, remembered for short headers: a client sends the same Content-Type and Accept with
 * every request. Bounded, so headers an attacker varies cost a parse each and no memory.
 */
function remembered<T, A>(
  memo: Map<string, T>,
  header: string,
  judge: (header: string, arg: A) => T,
  arg: A,
): T {
  if (header.length > MEMO_MAX_HEADER_LENGTH) return judge(header, arg);
  let answer = memo.get(header);
  if (answer === undefined) {
    answer = judge(header, arg);
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(header, answer);
  }
  return answer;
}

/**
 * Whether an Accept header lists `type` itself with a q above 0 (`q=0` means "not acceptable", RFC 9110
 * §12.4.2). Wildcards do not count: MCP clients must list application/json and text/event-stream by name.
 */
export function accepts(header: string | undefined, type: string): boolean {
  if (header === undefined) return false;
  let memo = acceptsMemo.get(type);
  if (memo === undefined) acceptsMemo.set(type, (memo = new Map()));
  return remembered(memo, header, judgeAccept, type);
}

function judgeAccept(header: string, type: string): boolean {
  return header
    .split(",")
    .map(parseRange)
    .some((range) => {
      const q = Number(range.params.q ?? "1");
      return range.type === type && Number.isFinite(q) && q > 0;
    });
}
