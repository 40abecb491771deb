import { EntraStandIn } from "./support/entra-stand-in";
import { frontKey, startEntra, startFrontServer, type FrontServer } from "./support/front-server";
import { MetadataDocuments } from "./support/metadata-documents";
import { RecordingOAuthProvider, signInAndCallWhoami } from "./support/mcp-oauth-client";
import { authorizeUrl, pkce, REDIRECT_URI } from "./support/raw-oauth";

// Client ID Metadata Documents (CIMD, the 2026-07-28 client registration): the client id is an https URL the
// front fetches. The fetch is the front reaching out on a stranger's behalf, so every SSRF door is shut.

let entra: EntraStandIn;
let documents: MetadataDocuments;
let server: FrontServer;

beforeAll(async () => {
  entra = await startEntra();
  documents = new MetadataDocuments();
  await documents.start();
  server = await startFrontServer(entra, frontKey(), {
    options: { oauthFront: { clientMetadata: { ca: documents.ca, timeoutMs: 1000, maxBytes: 4096 } } },
  });
  entra.addRedirectUri(`${server.publicUrl}/oauth/callback`);
});

afterAll(async () => {
  await server.close();
  await documents.stop();
  await entra.stop();
});

/** The front's answer to an authorization request from `clientId`: a consent page, or a refusal. */
async function authorizeAs(
  clientId: string,
  base = server.base,
): Promise<{ status: number; body: string; location: string | null }> {
  const response = await fetch(
    authorizeUrl(base, { client_id: clientId, redirect_uri: REDIRECT_URI, code_challenge: pkce().challenge }),
    { redirect: "manual" },
  );
  return { status: response.status, body: await response.text(), location: response.headers.get("location") };
}

test("a client identified by its metadata document URL signs in with the TS SDK and calls whoami", async () => {
  const clientId = documents.publish("/sdk-client.json", { client_name: "CIMD SDK client" });
  const provider = new RecordingOAuthProvider(REDIRECT_URI, clientId);
  const { whoami, consentPage } = await signInAndCallWhoami(new URL(`${server.base}/mcp`), provider);

  expect(provider.authorizationUrl?.searchParams.get("client_id")).toBe(clientId);
  expect(consentPage).toContain("CIMD SDK client");
  expect(consentPage).toContain(`published at ${new URL(clientId).host}`);
  expect(consentPage).toContain(clientId);
  expect(whoami).toMatchObject({ kind: "entra", id: entra.user.oid, name: entra.user.name });
});

test("a document is fetched once and then served from the cache", async () => {
  const clientId = documents.publish("/cached.json");
  const before = documents.fetches.filter((p) => p === "/cached.json").length;
  expect((await authorizeAs(clientId)).status).toBe(200);
  expect((await authorizeAs(clientId)).status).toBe(200);
  expect(documents.fetches.filter((p) => p === "/cached.json").length - before).toBe(1);
});

describe("refused documents: a direct 400, never a redirect", () => {
  const refused = (answer: { status: number; location: string | null }) => {
    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();
  };

  test("a document whose client_id differs from its URL", async () => {
    documents.publish("/impostor.json", { client_id: "https://claude.ai/oauth/mcp-client-metadata" });
    const answer = await authorizeAs(documents.url("/impostor.json"));
    refused(answer);
    expect(answer.body).toMatch(/client_id differs/);
  });

  test.each([
    ["a private address", "https://10.0.0.7/client.json"],
    ["the link-local metadata service", "https://169.254.169.254/metadata/client.json"],
    ["a unique-local IPv6 address", "https://[fd00::1]/client.json"],
    ["the unspecified address", "https://0.0.0.0/client.json"],
  ])("a document on %s, refused before any connection", async (_name, clientId) => {
    const answer = await authorizeAs(clientId);
    refused(answer);
    expect(answer.body).toMatch(/resolves to a/);
  });

  test("a loopback document when the server's own public URL is not loopback", async () => {
    const publicServer = await startFrontServer(entra, frontKey(), {
      publicUrl: "https://mcp.example.com",
      options: { oauthFront: { clientMetadata: { ca: documents.ca } } },
    });
    try {
      const clientId = documents.publish("/loopback.json");
      const answer = await authorizeAs(clientId, publicServer.base);
      refused(answer);
      expect(answer.body).toMatch(/loopback/);
      // A name is judged by what it resolves to.
      const byName = await authorizeAs(clientId.replace("127.0.0.1", "localhost"), publicServer.base);
      refused(byName);
      expect(byName.body).toMatch(/resolves to a loopback address/);
    } finally {
      await publicServer.close();
    }
  });

  test("a plain-http client id", async () => {
    refused(await authorizeAs("http://127.0.0.1:1/client.json"));
  });

  test("a document larger than the limit", async () => {
    documents.publish("/large.json", { client_name: "x".repeat(5000) });
    const answer = await authorizeAs(documents.url("/large.json"));
    refused(answer);
    expect(answer.body).toMatch(/larger than/);
  });

  test("a document that does not arrive in time", async () => {
    const clientId = documents.publish("/slow.json");
    documents.documents.get("/slow.json")!.delayMs = 5000;
    refused(await authorizeAs(clientId));
  });

  test("a redirect instead of a document", async () => {
    documents.documents.set("/moved.json", {
      status: 302,
      location: "https://10.0.0.7/client.json",
      body: "",
    });
    const answer = await authorizeAs(documents.url("/moved.json"));
    refused(answer);
    expect(answer.body).toMatch(/HTTP 302/);
  });

  test("a document carrying a client secret", async () => {
    const clientId = documents.publish("/secret.json", { client_secret: "s" });
    refused(await authorizeAs(clientId));
  });
});
