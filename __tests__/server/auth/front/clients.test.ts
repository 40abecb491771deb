import { randomBytes } from "node:crypto";
import { InvalidClientError, InvalidClientMetadataError } from "@modelcontextprotocol/server-legacy/auth";
import { createClientsStore } from "../../../../server/auth/front/clients";
import { createSealer } from "../../../../server/auth/front/sealed";
import { MetadataDocuments } from "./support/metadata-documents";

// Clients without a store: a registered client's id is its own registration, sealed, so every replica reads
// it and nobody can alter it; an https client id is a metadata document, fetched (here from 127.0.0.1).

const ISSUER = "https://mcp.example.com";
const sealer = createSealer(new Uint8Array(randomBytes(48)), ISSUER);
let documents: MetadataDocuments;
let store: ReturnType<typeof createClientsStore>;

beforeAll(async () => {
  documents = new MetadataDocuments();
  await documents.start();
  store = createClientsStore(sealer, { allowLoopback: true, ca: documents.ca });
});

afterAll(() => documents.stop());

const registration = { client_name: "Editor", redirect_uris: ["http://127.0.0.1:4567/callback"] };

test("a registered client's id is its sealed registration, read back whole by any replica", async () => {
  const before = Math.floor(Date.now() / 1000);
  const registered = await store.registerClient!({ ...registration, token_endpoint_auth_method: "none" });
  expect(registered).toMatchObject({ ...registration, token_endpoint_auth_method: "none" });
  expect(registered.client_id_issued_at).toBeGreaterThanOrEqual(before);
  expect(registered.client_id_issued_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  expect(await sealer.open("client", registered.client_id)).toMatchObject({ reg: registration });

  const replica = createClientsStore(sealer, { allowLoopback: false });
  expect(await replica.getClient(registered.client_id)).toEqual(registered);
});

test("registration defaults to client_secret_post and takes none or client_secret_post only", async () => {
  expect(await store.registerClient!({ ...registration })).toMatchObject({
    token_endpoint_auth_method: "client_secret_post",
  });
  expect(
    await store.registerClient!({ ...registration, token_endpoint_auth_method: "client_secret_post" }),
  ).toMatchObject({ token_endpoint_auth_method: "client_secret_post" });
  for (const method of ["client_secret_basic", "private_key_jwt", ""]) {
    const refused = store.registerClient!({ ...registration, token_endpoint_auth_method: method });
    await expect(refused).rejects.toThrow(InvalidClientMetadataError);
    await expect(refused).rejects.toThrow(
      `token_endpoint_auth_method '${method}' is not supported; use 'none' or 'client_secret_post'`,
    );
  }
});

test("an id that is neither a sealed registration nor an https URL is no client", async () => {
  expect(await store.getClient("some-client")).toBeUndefined();
  const foreign = createClientsStore(createSealer(new Uint8Array(randomBytes(48)), ISSUER), {
    allowLoopback: true,
  });
  const elsewhere = await foreign.registerClient!({ ...registration });
  expect(await store.getClient(elsewhere.client_id)).toBeUndefined();
  // Another sealed kind is no registration either.
  expect(await store.getClient(await sealer.seal("code", { reg: registration }, 60))).toBeUndefined();
});

test("an https client id is fetched as its metadata document", async () => {
  const clientId = documents.publish("/editor.json", { client_name: "Published editor" });
  expect(await store.getClient(clientId)).toMatchObject({
    client_id: clientId,
    client_name: "Published editor",
    token_endpoint_auth_method: "none",
  });
});

test("a refused metadata document is the SDK's invalid_client, with the reason", async () => {
  documents.publish("/impostor.json", { client_id: "https://elsewhere.example.com/client.json" });
  const refused = store.getClient(documents.url("/impostor.json"));
  await expect(refused).rejects.toThrow(InvalidClientError);
  await expect(refused).rejects.toThrow("client metadata document's client_id differs from the URL");
});
