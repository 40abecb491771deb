import { topLevelOf } from "../../../server/front/raw-response";

const scan = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const top = topLevelOf(Buffer.from(text));
  return top && { members: [...top.members].sort(), id: top.id && text.slice(top.id[0], top.id[1]) };
};

describe("topLevelOf", () => {
  it("finds the members and the id of a response, whatever its content holds", () => {
    const tricky = 'say "}", then \\ and \\" and {"id": 9} ] [';
    expect(
      scan({
        jsonrpc: "2.0",
        result: { content: [{ type: "text", text: tricky }], n: [1, { a: [] }] },
        id: 17,
      }),
    ).toEqual({
      members: ["id", "jsonrpc", "result"],
      id: "17",
    });
    expect(scan({ id: 'a"b', jsonrpc: "2.0", error: { code: -1, message: "x" } })).toEqual({
      members: ["error", "id", "jsonrpc"],
      id: '"a\\"b"',
    });
    expect(scan(' { "id" : null , "result" : true } ')).toEqual({ members: ["id", "result"], id: "null" });
  });

  it.each([
    ["an array", "[1,2]"],
    ["a string", '"text"'],
    ["an unclosed string", '{"id": 1, "result": "abc'],
    ["an unclosed object", '{"id": 1, "result": {"a": 1}'],
    ["trailing bytes", '{"id": 1, "result": 2} x'],
    ["a missing colon", '{"id" 1}'],
  ])("refuses %s", (_what, text) => {
    expect(scan(text)).toBeUndefined();
  });
});
