import { accepts, parseContentType } from "../../../server/http/media-type";

// The transports refuse a POST whose Content-Type is not JSON and a client that does not accept the
// answer's media type; these parsers decide both.
describe("parseContentType: type and parameters of a Content-Type", () => {
  it("no header or a blank one is no content type", () => {
    expect(parseContentType(undefined)).toBeUndefined();
    expect(parseContentType("")).toBeUndefined();
    expect(parseContentType("  \t")).toBeUndefined();
  });

  it("the type is trimmed and lower-cased; parameter names lower-cased, values trimmed and unquoted", () => {
    expect(parseContentType(' Application/JSON ; Charset = "UTF-8" ; x=a=b')).toEqual({
      type: "application/json",
      params: { charset: "UTF-8", x: "a=b" },
    });
  });

  it("a parameter without '=' is ignored, one with an empty name is kept under ''", () => {
    expect(parseContentType("application/json; broken;=v")).toEqual({
      type: "application/json",
      params: { "": "v" },
    });
  });

  it("only surrounding quotes are removed from a value", () => {
    expect(parseContentType('text/plain; a="x"y"; b="only-left')?.params).toEqual({
      a: 'x"y',
      b: '"only-left',
    });
  });
});

describe("accepts: the type listed by name with q above 0", () => {
  it("a type listed among others, in any case and spacing, is accepted", () => {
    expect(accepts("text/html, Application/Json ;q=0.5", "application/json")).toBe(true);
  });

  it("q=0, a negative or unparseable q is not acceptable; q above 0 is", () => {
    expect(accepts("application/json;q=0", "application/json")).toBe(false);
    expect(accepts("application/json;q=-1", "application/json")).toBe(false);
    expect(accepts("application/json;q=abc", "application/json")).toBe(false);
    expect(accepts("application/json;q=Infinity", "application/json")).toBe(false);
    expect(accepts("application/json;q=0.001", "application/json")).toBe(true);
  });

  it("wildcards, other types and no header do not accept it", () => {
    expect(accepts("*/*", "application/json")).toBe(false);
    expect(accepts("application/*", "application/json")).toBe(false);
    expect(accepts("text/event-stream", "application/json")).toBe(false);
    expect(accepts(undefined, "application/json")).toBe(false);
    expect(accepts("", "application/json")).toBe(false);
  });

  it("one acceptable entry is enough even when another entry for it says q=0", () => {
    expect(accepts("application/json;q=0, application/json", "application/json")).toBe(true);
  });
});

// Answers for short headers are remembered (a client repeats its headers on every request): the memo must
// never answer for another header, another type, or keep more than its bound.
describe("remembered answers stay the answers of their own header and type", () => {
  it("one header asked for two types answers each type for itself, again and again", () => {
    for (let round = 0; round < 3; round++) {
      expect(accepts("application/json", "application/json")).toBe(true);
      expect(accepts("application/json", "text/event-stream")).toBe(false);
    }
  });

  it("after more distinct headers than the memo holds, earlier headers are still judged right", () => {
    for (let i = 0; i < 200; i++) {
      expect(accepts(`text/event-stream;v=${i}, application/json;q=${i % 2}`, "application/json")).toBe(
        i % 2 === 1,
      );
      expect(parseContentType(`application/json; n=${i}`)?.params.n).toBe(String(i));
    }
    expect(accepts("text/event-stream;v=0, application/json;q=0", "application/json")).toBe(false);
    expect(accepts("text/event-stream;v=1, application/json;q=1", "application/json")).toBe(true);
  });

  it("a header past the memo's length bound is judged in full", () => {
    const long = `${"x/y, ".repeat(100)}application/json`;
    expect(accepts(long, "application/json")).toBe(true);
    expect(accepts(`${"x/y, ".repeat(100)}application/json;q=0`, "application/json")).toBe(false);
    expect(parseContentType(`application/json; pad=${"p".repeat(300)}; charset=latin1`)?.params.charset).toBe(
      "latin1",
    );
  });
});
