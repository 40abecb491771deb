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
