import { exceededJsonLimit, type JsonShapeLimits } from "../../../server/http/json-shape";
import { postRpc } from "../support/rpc-post";
import { RunningServer, startServer } from "../support/test-server";

// The JSON work a body costs is bounded (depth, values, keys per object) before the SDK parses it.
const LIMITS: JsonShapeLimits = { maxDepth: 64, maxValues: 1000, maxObjectKeys: 10 };
const scan = (text: string, limits: Partial<JsonShapeLimits> = {}) =>
  exceededJsonLimit(Buffer.from(text, "utf8"), { ...LIMITS, ...limits });
const nested = (levels: number): string => "[".repeat(levels) + "]".repeat(levels);
const wideObject = (keys: number, prefix = "k"): string =>
  `{${Array.from({ length: keys }, (_, i) => `"${prefix}${i.toString(36)}":0`).join(",")}}`;
const manyValues = (count: number): string => `[${Array.from({ length: count }, (_, i) => i).join(",")}]`;

describe("the JSON shape scan", () => {
  it("takes 64 levels and refuses 65", () => {
    expect(scan(nested(64))).toBeUndefined();
    expect(scan(nested(65))).toBe("maxDepth");
  });

  it('reads an escaped quote as part of its string: \'"\\""\' then 200 levels is too deep', () => {
    expect(scan(`["\\"", ${nested(200)}]`)).toBe("maxDepth");
    expect(scan(`{"a\\"":"\\"","b":${nested(200)}}`)).toBe("maxDepth");
  });

  it("ends a string at a quote after an escaped backslash: '\"\\\\\"' then 200 levels is too deep", () => {
    expect(scan(`["\\\\", ${nested(200)}]`)).toBe("maxDepth");
  });

  it("does not count brackets, commas or colons inside strings", () => {
    const text = JSON.stringify({ s: "[[[[{{{{,,,,::::".repeat(100) });
    expect(scan(text, { maxDepth: 1, maxValues: 2, maxObjectKeys: 1 })).toBeUndefined();
  });

  it("counts every value once: 49 numbers in an array are 50 values, 50 numbers too many", () => {
    expect(scan(manyValues(49), { maxValues: 50 })).toBeUndefined();
    expect(scan(manyValues(50), { maxValues: 50 })).toBe("maxValues");
    // Multi-character scalars are one value each.
    expect(scan(`[123456, -1.5e10, true, false, null, "long string"]`, { maxValues: 7 })).toBeUndefined();
    expect(scan(`[123456, -1.5e10, true, false, null, "long string"]`, { maxValues: 6 })).toBe("maxValues");
  });

  it("counts keys per object and not as values: 10 keys pass, 11 are too many, in any object", () => {
    expect(scan(wideObject(10))).toBeUndefined();
    expect(scan(wideObject(11))).toBe("maxObjectKeys");
    // Two objects of 10 keys each: 3 values for the containers + 20 for the numbers.
    expect(scan(`[${wideObject(10)}, ${wideObject(10, "j")}]`, { maxValues: 23 })).toBeUndefined();
    expect(scan(`[${wideObject(10)}, ${wideObject(10, "j")}]`, { maxValues: 22 })).toBe("maxValues");
    // An object nested in a value does not add to its parent's keys.
    expect(scan(`{"a":{"b":1,"c":2},"d":${wideObject(10)}}`, { maxObjectKeys: 10 })).toBeUndefined();
    expect(scan(`{"a":{"b":1,"c":2},"d":${wideObject(11)}}`, { maxObjectKeys: 10 })).toBe("maxObjectKeys");
  });

  it("counts the keys of an object after a nested array closes", () => {
    const text = `{"a":[1,2,3],${wideObject(10).slice(1)}`;
    expect(scan(text, { maxObjectKeys: 11 })).toBeUndefined();
    expect(scan(text, { maxObjectKeys: 10 })).toBe("maxObjectKeys");
  });

  it("counts a real MCP request well under the defaults", () => {
    const call = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "query_logs",
        arguments: { query: "AppRequests | take 10" },
        _meta: { progressToken: 1 },
      },
    });
    // The message, "2.0", 1, "tools/call", params, "query_logs", arguments, the query, _meta, 1.
    expect(scan(call, { maxValues: 10, maxObjectKeys: 4 })).toBeUndefined();
    expect(scan(call, { maxValues: 9, maxObjectKeys: 4 })).toBe("maxValues");
    // jsonrpc, id, method, params.
    expect(scan(call, { maxValues: 10, maxObjectKeys: 3 })).toBe("maxObjectKeys");
  });
});

describe("the body layer refuses wide JSON before parsing it", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ MCP_MAX_JSON_VALUES: "2000", MCP_MAX_JSON_OBJECT_KEYS: "100" });
  });
  afterAll(() => server.close());

  const ping = (meta: string) => `{"jsonrpc":"2.0","id":"p","method":"ping","params":{"_meta":${meta}}}`;

  it("one object with 90,000 keys is answered 400 -32600 naming MCP_MAX_JSON_OBJECT_KEYS", async () => {
    const body = ping(wideObject(90_000));
    expect(body.length).toBeLessThan(1_048_576);
    const answer = await postRpc(server.mcpUrl, body);
    expect(answer.status).toBe(400);
    expect(answer.messages).toEqual([
      {
        jsonrpc: "2.0",
        id: null,
        error: {
          code: -32600,
          message:
            "Invalid Request: a JSON object in the body has more than 100 keys (MCP_MAX_JSON_OBJECT_KEYS=100)",
        },
      },
    ]);
  });

  it("answers too many values 400 -32600 naming MCP_MAX_JSON_VALUES, and serves a body at the limits", async () => {
    const tooMany = await postRpc(server.mcpUrl, ping(`{"a":${manyValues(2000)}}`));
    expect(tooMany.status).toBe(400);
    expect(tooMany.messages[0]).toMatchObject({
      error: {
        code: -32600,
        message: "Invalid Request: the body holds more than 2000 JSON values (MCP_MAX_JSON_VALUES=2000)",
      },
    });
    // The message, "2.0", "p", "ping", params, _meta (6), 99 numbers, the array and 1894 numbers: 2000 values;
    // _meta has 100 keys.
    const atLimits = ping(`{${wideObject(99).slice(1, -1)},"a":${manyValues(1894)}}`);
    expect((await postRpc(server.mcpUrl, atLimits)).status).toBe(200);
  });

  it("an escaped quote then 200 levels is refused as too deep", async () => {
    const answer = await postRpc(server.mcpUrl, ping(`{"s":"\\"","n":${nested(200)}}`));
    expect(answer.status).toBe(400);
    expect(answer.messages[0]).toMatchObject({
      error: { code: -32600, message: "Invalid Request: JSON nested deeper than 64 levels" },
    });
  });
});
