import {
  ClientMetadataError,
  createClientMetadataFetcher,
  isClientMetadataUrl,
} from "../../../../server/auth/front/client-metadata-document";
import { MetadataDocuments } from "./support/metadata-documents";

// The Client ID Metadata Document fetch on its own (client-metadata-documents.test.ts signs in through the
// front): the front reaches out on a stranger's behalf, so every refusal is pinned with its message, and the
// cache and its bounds are checked by counting the fetches the documents server on 127.0.0.1 sees.

let documents: MetadataDocuments;
beforeAll(async () => {
  documents = new MetadataDocuments();
  await documents.start();
});
afterAll(() => documents.stop());

const fetcher = (options: Partial<Parameters<typeof createClientMetadataFetcher>[0]> = {}) =>
  createClientMetadataFetcher({ allowLoopback: true, ca: documents.ca, ...options });
const fetchesOf = (path: string) => documents.fetches.filter((fetched) => fetched === path).length;

async function refusal(fetch: Promise<unknown>): Promise<string> {
  const error = await fetch.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ClientMetadataError);
  return (error as Error).message;
}

test("only an https client id is a metadata document URL", () => {
  expect(isClientMetadataUrl("https://client.example.org/mcp.json")).toBe(true);
  expect(isClientMetadataUrl("http://client.example.org/mcp.json")).toBe(false);
  expect(isClientMetadataUrl("eyJhbGciOiJkaXIi.x.y.z.https://")).toBe(false);
});

test("a document becomes a public client with only the fields the front uses", async () => {
  const clientId = documents.publish("/full.json", {
    client_name: "n".repeat(250),
    client_uri: "https://client.example.org",
    logo_uri: "https://client.example.org/logo.png",
    scope: "everything",
    grant_types: ["client_credentials"],
    redirect_uris: ["http://127.0.0.1:4567/callback", "https://client.example.org/cb"],
  });
  expect(await fetcher()(clientId)).toEqual({
    client_id: clientId,
    redirect_uris: ["http://127.0.0.1:4567/callback", "https://client.example.org/cb"],
    client_name: "n".repeat(200),
    client_uri: "https://client.example.org",
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
  });
});

test("it asks for JSON", async () => {
  const clientId = documents.publish("/accept.json");
  await fetcher()(clientId);
  expect(documents.accepts.at(-1)).toBe("application/json");
});

test("a name or client URI that is not a string is left out; no auth method means none", async () => {
  const clientId = documents.publish("/bare.json", { client_name: 5, client_uri: ["x"] });
  documents.documents.set("/bare.json", {
    body: JSON.stringify({
      client_id: clientId,
      client_name: 5,
      client_uri: ["x"],
      redirect_uris: ["https://a.example/cb"],
    }),
  });
  const client = await fetcher()(clientId);
  expect(client.client_name).toBeUndefined();
  expect(client.client_uri).toBeUndefined();
  expect(client.token_endpoint_auth_method).toBe("none");
});

test("a loopback host is fetched from by name too, over the checked address", async () => {
  const clientId = documents.publish("/by-name.json").replace("127.0.0.1", "localhost");
  documents.documents.set("/by-name.json", {
    body: JSON.stringify({ client_id: clientId, redirect_uris: ["https://a.example/cb"] }),
  });
  expect((await fetcher()(clientId)).client_id).toBe(clientId);
  expect(await refusal(fetcher({ allowLoopback: false })(clientId))).toBe(
    "client metadata host localhost resolves to a loopback address",
  );
});

describe("the cache", () => {
  test("a document is fetched once, then served from the cache, and again once its time is up", async () => {
    const fetch = fetcher();
    const clientId = documents.publish("/cached.json");
    await fetch(clientId);
    await fetch(clientId);
    expect(fetchesOf("/cached.json")).toBe(1);
    const uncached = fetcher({ cacheSeconds: 0 });
    await uncached(clientId);
    await uncached(clientId);
    expect(fetchesOf("/cached.json")).toBe(3);
  });

  test("requests for one document at once share one fetch", async () => {
    const clientId = documents.publish("/together.json");
    documents.documents.get("/together.json")!.delayMs = 200;
    const fetch = fetcher();
    const [first, second] = await Promise.all([fetch(clientId), fetch(clientId)]);
    expect(first).toEqual(second);
    expect(fetchesOf("/together.json")).toBe(1);
    // Once settled it is not pending any more: a fetcher without a cache asks again.
    const uncached = fetcher({ cacheSeconds: 0 });
    await uncached(clientId);
    await uncached(clientId);
    expect(fetchesOf("/together.json")).toBe(3);
  });

  test("past its bound the least recently used document is fetched again", async () => {
    const fetch = fetcher({ cacheEntries: 2 });
    const [a, b, c] = ["/lru-a.json", "/lru-b.json", "/lru-c.json"].map((path) => documents.publish(path));
    await fetch(a);
    await fetch(b);
    await fetch(a); // a is now the most recently used
    await fetch(c); // evicts b
    await fetch(a);
    expect(fetchesOf("/lru-a.json")).toBe(1);
    await fetch(b);
    expect(fetchesOf("/lru-b.json")).toBe(2);
    expect(fetchesOf("/lru-c.json")).toBe(1);
  });

  test("a refused document is not cached", async () => {
    const clientId = documents.publish("/later.json");
    documents.documents.set("/later.json", { status: 503, body: "" });
    const fetch = fetcher();
    expect(await refusal(fetch(clientId))).toBe("client metadata document answered HTTP 503");
    documents.publish("/later.json");
    expect((await fetch(clientId)).client_id).toBe(clientId);
  });
});

describe("refused client ids, before any connection", () => {
  test.each([
    ["http://127.0.0.1/client.json", "client_id URL must be an https URL"],
    ["not a url", "client_id URL must be an https URL"],
    ["https://user@127.0.0.1/client.json", "client_id URL must not contain credentials"],
    ["https://:secret@127.0.0.1/client.json", "client_id URL must not contain credentials"],
    ["https://127.0.0.1/client.json#part", "client_id URL must not contain a fragment"],
    ["https://127.0.0.1/client.json#", "client_id URL must not contain a fragment"],
    ["https://127.0.0.1", "client_id URL must have a path without dot segments"],
    ["https://127.0.0.1/", "client_id URL must have a path without dot segments"],
    ["https://127.0.0.1/a/./client.json", "client_id URL must have a path without dot segments"],
    ["https://127.0.0.1/a/../client.json", "client_id URL must have a path without dot segments"],
    ["https://127.0.0.1/a/%2e%2E/client.json", "client_id URL must have a path without dot segments"],
    ["https://127.0.0.1/a/.", "client_id URL must have a path without dot segments"],
    ["https://127.0.0.1/a/..", "client_id URL must have a path without dot segments"],
    [
      "https://10.1.2.3/client.json",
      "client metadata host 10.1.2.3 resolves to a private, link-local or otherwise special-use address",
    ],
    [
      "https://[fe80::1]/client.json",
      "client metadata host fe80::1 resolves to a private, link-local or otherwise special-use address",
    ],
    [
      "https://no-such-host.invalid/client.json",
      "client metadata host no-such-host.invalid does not resolve",
    ],
  ])("%s: %s", async (clientId, message) => {
    const before = documents.fetches.length;
    expect(await refusal(fetcher()(clientId))).toBe(message);
    expect(documents.fetches.length).toBe(before);
  });

  test("dots inside a name are no dot segments", async () => {
    const clientId = documents.publish("/a.b/..client.json");
    expect((await fetcher()(clientId)).client_id).toBe(clientId);
  });
});

describe("refused answers", () => {
  test.each([
    [404, "client metadata document answered HTTP 404"],
    [201, "client metadata document answered HTTP 201"],
    [302, "client metadata document answered HTTP 302"],
  ])("HTTP %s", async (status, message) => {
    const clientId = documents.publish(`/status-${status}.json`);
    documents.documents.get(`/status-${status}.json`)!.status = status;
    expect(await refusal(fetcher()(clientId))).toBe(message);
  });

  test("a document of exactly the limit is read; one byte more is refused", async () => {
    const clientId = documents.url("/sized.json");
    const body = (padding: number) =>
      JSON.stringify({
        client_id: clientId,
        redirect_uris: ["https://a.example/cb"],
        pad: "x".repeat(padding),
      });
    const limit = Buffer.byteLength(body(1000));
    documents.documents.set("/sized.json", { body: body(1000) });
    expect((await fetcher({ maxBytes: limit, cacheSeconds: 0 })(clientId)).client_id).toBe(clientId);
    documents.documents.set("/sized.json", { body: body(1001) });
    expect(await refusal(fetcher({ maxBytes: limit, cacheSeconds: 0 })(clientId))).toBe(
      `client metadata document is larger than ${limit} bytes`,
    );
  });

  test("the default limit is 10 KiB", async () => {
    const clientId = documents.url("/default-size.json");
    const body = (padding: number) =>
      JSON.stringify({
        client_id: clientId,
        redirect_uris: ["https://a.example/cb"],
        pad: "x".repeat(padding),
      });
    const fits = 10_240 - Buffer.byteLength(body(0));
    documents.documents.set("/default-size.json", { body: body(fits) });
    expect((await fetcher({ cacheSeconds: 0 })(clientId)).client_id).toBe(clientId);
    documents.documents.set("/default-size.json", { body: body(fits + 1) });
    expect(await refusal(fetcher({ cacheSeconds: 0 })(clientId))).toBe(
      "client metadata document is larger than 10240 bytes",
    );
  });

  test("a document that does not arrive within the time limit", async () => {
    const clientId = documents.publish("/slow.json");
    // Far beyond the test's own timeout: only the fetch's limit ends it.
    documents.documents.get("/slow.json")!.delayMs = 600_000;
    expect(await refusal(fetcher({ timeoutMs: 300 })(clientId))).toMatch(/^client metadata fetch failed: /);
  });

  test("a connection that drops halfway through the document", async () => {
    const clientId = documents.publish("/cut.json");
    documents.documents.get("/cut.json")!.cutShort = true;
    expect(await refusal(fetcher()(clientId))).toMatch(/^client metadata fetch failed: \S/);
  });

  test.each([
    ["not JSON", "{", "client metadata document is not JSON"],
    ["a list", "[]", "client metadata document is not a JSON object"],
    ["null", "null", "client metadata document is not a JSON object"],
    ["a string", '"https://x"', "client metadata document is not a JSON object"],
  ])("a body that is %s", async (_name, body, message) => {
    documents.documents.set("/odd.json", { body });
    expect(await refusal(fetcher()(documents.url("/odd.json")))).toBe(message);
  });

  test.each([
    [
      "another client_id",
      { client_id: "https://elsewhere.example/c.json" },
      "client metadata document's client_id differs from the URL it was fetched from",
    ],
    [
      "no client_id",
      { client_id: undefined },
      "client metadata document's client_id differs from the URL it was fetched from",
    ],
    ["a client_secret", { client_secret: "s" }, "client metadata document must not carry a client_secret"],
    [
      "a client_secret_expires_at",
      { client_secret_expires_at: 0 },
      "client metadata document must not carry a client_secret",
    ],
    [
      "client_secret_post",
      { token_endpoint_auth_method: "client_secret_post" },
      "token_endpoint_auth_method 'client_secret_post' is not supported; use 'none'",
    ],
    [
      "a numeric auth method",
      { token_endpoint_auth_method: 0 },
      "token_endpoint_auth_method '0' is not supported; use 'none'",
    ],
    [
      "no redirect_uris",
      { redirect_uris: undefined },
      "client metadata document needs redirect_uris, a list of absolute URLs",
    ],
    [
      "a redirect_uris string",
      { redirect_uris: "https://a.example/cb" },
      "client metadata document needs redirect_uris, a list of absolute URLs",
    ],
    [
      "empty redirect_uris",
      { redirect_uris: [] },
      "client metadata document needs redirect_uris, a list of absolute URLs",
    ],
    [
      "a relative redirect URI",
      { redirect_uris: ["https://a.example/cb", "/cb"] },
      "client metadata document needs redirect_uris, a list of absolute URLs",
    ],
    [
      "a redirect URI in a list of its own",
      { redirect_uris: [["https://a.example/cb"]] },
      "client metadata document needs redirect_uris, a list of absolute URLs",
    ],
    [
      "a redirect URI that is not a string",
      { redirect_uris: [42] },
      "client metadata document needs redirect_uris, a list of absolute URLs",
    ],
  ])("a document with %s", async (name, fields, message) => {
    const path = `/fields-${name.replace(/\W+/g, "-")}.json`;
    const clientId = documents.publish(path, fields);
    expect(await refusal(fetcher()(clientId))).toBe(message);
  });
});
