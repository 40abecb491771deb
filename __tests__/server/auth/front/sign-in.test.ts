import { EntraStandIn } from "./support/entra-stand-in";
import {
  API_IDENTIFIER_URI,
  frontKey,
  startEntra,
  startFrontServer,
  type FrontServer,
} from "./support/front-server";
import { RecordingOAuthProvider, signInAndCallWhoami } from "./support/mcp-oauth-client";
import { register, whoami } from "./support/raw-oauth";

// A spec-following MCP client that was never registered anywhere signs in through the authorization front
// (MCP_OAUTH_FRONT=on) against an Entra stand-in that refuses what Entra refuses, and calls a tool.

let entra: EntraStandIn;
let server: FrontServer;

beforeAll(async () => {
  entra = await startEntra();
  server = await startFrontServer(entra, frontKey());
  entra.addRedirectUri(`${server.publicUrl}/oauth/callback`);
});

afterAll(async () => {
  await server.close();
  await entra.stop();
});

test("the protected resource metadata names the server itself as authorization server", async () => {
  const prm = (await (
    await fetch(`${server.base}/.well-known/oauth-protected-resource/mcp`)
  ).json()) as Record<string, unknown>;
  expect(prm.authorization_servers).toEqual([server.publicUrl]);
  expect(prm.resource).toBe(`${server.publicUrl}/mcp`);
});

test("the RFC 8414 metadata offers S256 only, registration and client id metadata documents", async () => {
  const response = await fetch(`${server.base}/.well-known/oauth-authorization-server`);
  // Public and cacheable: browser-based clients read it cross-origin.
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
  expect(await response.json()).toEqual({
    issuer: server.publicUrl,
    authorization_endpoint: `${server.publicUrl}/authorize`,
    token_endpoint: `${server.publicUrl}/token`,
    registration_endpoint: `${server.publicUrl}/register`,
    revocation_endpoint: `${server.publicUrl}/revoke`,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none", "client_secret_post"],
    revocation_endpoint_auth_methods_supported: ["none", "client_secret_post"],
    scopes_supported: [`${API_IDENTIFIER_URI}/user_impersonation`],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  });
});

test("no per-address rate limit of the SDK's handlers: behind the ingress every caller shares one address", async () => {
  // The SDK's registration handler alone would allow 20 an hour per address.
  for (let i = 0; i < 21; i += 1) {
    expect(await register(server.base)).toEqual(expect.any(String));
  }
});

test("a client registered by DCR signs in and whoami sees the Entra user", async () => {
  const provider = new RecordingOAuthProvider("http://127.0.0.1:4567/callback");
  const { whoami, consentPage } = await signInAndCallWhoami(new URL(`${server.base}/mcp`), provider);

  expect(consentPage).toContain("Front test client");
  expect(consentPage).toContain("127.0.0.1:4567");
  expect(consentPage).toContain("its name is not verified");
  expect(whoami).toMatchObject({
    kind: "entra",
    id: entra.user.oid,
    objectId: entra.user.oid,
    name: entra.user.name,
    upn: entra.user.preferred_username,
    tenantId: entra.tenantId,
    scopes: ["user_impersonation"],
  });
  // The front asked Entra for the API scope, never with a resource Entra would refuse.
  const sent = entra.authorizeRequests.at(-1)!;
  expect(sent.has("resource")).toBe(false);
  expect(sent.get("scope")).toBe(`${API_IDENTIFIER_URI}/user_impersonation offline_access`);
  expect(sent.get("code_challenge_method")).toBe("S256");
});

test("a direct Entra token (VS Code, az) still works and names the same caller as a front token", async () => {
  const provider = new RecordingOAuthProvider("http://127.0.0.1:4568/callback");
  const throughFront = (await signInAndCallWhoami(new URL(`${server.base}/mcp`), provider)).whoami;
  const direct = await whoami(`${server.base}/mcp`, await entra.accessToken(entra.user));
  expect(direct.status).toBe(200);
  expect(direct.caller).toEqual(throughFront);
  // Per-caller limits key on the caller id, which is the same object id either way.
  expect(direct.caller?.id).toBe(entra.user.oid);
});
