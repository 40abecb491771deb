import { parseAuthConfig } from "../../../server/auth/config";
import { startTestApp, type TestApp } from "./support/test-app";

// Which header a credential is read from, and how an Authorization header is read, decide whose key is
// checked. Each header below is sent as-is over HTTP to the API-key layer.
const KEY = "read-key-0123456789abcdef";
const OTHER = "other-key-0123456789abcdef";

const NO_KEY =
  "Unauthorized: an API key is required in the api-key, x-api-key or Authorization: Bearer header";
const MALFORMED = "Unauthorized: malformed Authorization header";
const UNKNOWN = "Unauthorized: the API key is not valid";

describe("reading the credential a request presents", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(
      parseAuthConfig({ AUTH_MODE: "apikey", MCP_API_KEYS: `read:${KEY},other:${OTHER}` }),
    );
  });
  afterAll(() => app.close());

  /** The status and the error message (or the caller's id on success) the headers get. */
  const outcome = async (headers: Record<string, string>): Promise<[number, string]> => {
    const response = await fetch(`${app.url}/mcp`, { method: "POST", headers });
    const body = (await response.json()) as { caller?: { id: string }; error?: { message: string } };
    return [response.status, body.caller?.id ?? body.error?.message ?? ""];
  };

  it.each([
    ["Bearer <key>", `Bearer ${KEY}`],
    ["a lower-case scheme", `bearer ${KEY}`],
    ["an upper-case scheme", `BEARER ${KEY}`],
    ["several spaces after the scheme", `Bearer    ${KEY}`],
  ])("reads the token of %s", async (_what, authorization) => {
    expect(await outcome({ authorization })).toEqual([200, "read"]);
  });

  it.each([
    ["a second word after the token", `Bearer ${KEY} extra`],
    ["a tab between scheme and token", `Bearer\t${KEY}`],
    ["a second Bearer after a first token", `Bearer junk Bearer ${KEY}`],
    ["no token", "Bearer"],
  ])("refuses %s as malformed", async (_what, authorization) => {
    expect(await outcome({ authorization })).toEqual([401, MALFORMED]);
    const response = await fetch(`${app.url}/mcp`, { method: "POST", headers: { authorization } });
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="mcp", error="invalid_token"');
  });

  it.each([
    ["another scheme", `Basic ${KEY}`],
    ["the scheme glued to the token", `Bearer${KEY}`],
    ["the scheme not at the start", `xBearer ${KEY}`],
  ])("takes %s for no bearer credential at all", async (_what, authorization) => {
    expect(await outcome({ authorization })).toEqual([401, NO_KEY]);
  });

  it("reads api-key before x-api-key before Authorization: the first present is the one checked", async () => {
    expect(await outcome({ "api-key": OTHER, "x-api-key": KEY })).toEqual([200, "other"]);
    expect(await outcome({ "api-key": "guess-0123456789abcdef", "x-api-key": KEY })).toEqual([401, UNKNOWN]);
    expect(await outcome({ "x-api-key": OTHER, authorization: `Bearer ${KEY}` })).toEqual([200, "other"]);
    expect(await outcome({ "x-api-key": "guess-0123456789abcdef", authorization: `Bearer ${KEY}` })).toEqual([
      401,
      UNKNOWN,
    ]);
  });

  it("reads another scheme's Authorization as absent, and still checks the key headers", async () => {
    expect(await outcome({ authorization: `Basic ${KEY}`, "x-api-key": KEY })).toEqual([200, "read"]);
  });

  it("an empty key header is a key that does not match, not a missing one", async () => {
    expect(await outcome({ "x-api-key": "" })).toEqual([401, UNKNOWN]);
  });

  it("logs why each request was refused, without the key", async () => {
    const reasonOf = async (headers: Record<string, string>, path = "/mcp") => {
      const logged = app.logLines.length;
      await fetch(`${app.url}${path}`, { method: "POST", headers });
      return (JSON.parse(app.logLines[logged]) as { reason: string }).reason;
    };
    expect(await reasonOf({})).toBe("no API key");
    expect(await reasonOf({ "x-api-key": "guess-0123456789abcdef" })).toBe("unknown API key");
    expect(await reasonOf({ authorization: "Bearer" })).toBe("malformed bearer header");
    expect(await reasonOf({}, `/mcp?apikey=${KEY}`)).toBe("credential in query parameter 'apikey'");
    for (const line of app.logLines) expect(line).not.toContain(KEY);
  });
});
