import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createEntraClient, EntraTokenError } from "../../../../server/auth/front/entra-client";
import type { OAuthFrontConfig } from "../../../../server/auth/front/config";

// The front as a confidential client of Entra: what it sends to Entra's authorize and token endpoints, and
// how each way Entra can answer (or not answer) comes back. Entra's token endpoint is a stand-in on
// 127.0.0.1 that records each request and answers what the test says.

interface Recorded {
  readonly headers: IncomingMessage["headers"];
  readonly form: URLSearchParams;
}

class TokenEndpoint {
  readonly requests: Recorded[] = [];
  answer: (res: ServerResponse) => void = (res) =>
    json(res, 200, { access_token: "at", refresh_token: "rt" });
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/tenant/oauth2/v2.0/token`;
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.requests.push({
        headers: req.headers,
        form: new URLSearchParams(Buffer.concat(chunks).toString()),
      });
      this.answer(res);
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

const endpoint = new TokenEndpoint();
beforeAll(() => endpoint.start());
afterAll(() => endpoint.stop());
beforeEach(() => {
  endpoint.requests.length = 0;
  endpoint.answer = (res) => json(res, 200, { access_token: "at", refresh_token: "rt" });
});

const CLIENT_ID = "6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f";

function frontConfig(overrides: Partial<OAuthFrontConfig> = {}): OAuthFrontConfig {
  return {
    issuer: "https://mcp.example.com",
    clientId: CLIENT_ID,
    clientSecret: "front-secret",
    key: new Uint8Array(32),
    entraAuthorizeUrl: "https://login.example.com/tenant/oauth2/v2.0/authorize",
    entraTokenUrl: endpoint.url,
    entraScopes: [`api://${CLIENT_ID}/user_impersonation`, "offline_access"],
    allowLoopbackClientMetadata: false,
    accessTokenSeconds: 600,
    refreshTokenSeconds: 3600,
    codeSeconds: 60,
    consentSeconds: 600,
    ...overrides,
  };
}

test("the authorization URL asks Entra for a code with PKCE S256, the API scopes and the front's callback", () => {
  const client = createEntraClient(frontConfig());
  expect(client.redirectUri).toBe("https://mcp.example.com/oauth/callback");
  const url = new URL(client.authorizeUrl("sealed-state", "challenge-value"));
  expect(`${url.origin}${url.pathname}`).toBe("https://login.example.com/tenant/oauth2/v2.0/authorize");
  expect(Object.fromEntries(url.searchParams)).toEqual({
    client_id: CLIENT_ID,
    response_type: "code",
    redirect_uri: "https://mcp.example.com/oauth/callback",
    response_mode: "query",
    scope: `api://${CLIENT_ID}/user_impersonation offline_access`,
    state: "sealed-state",
    code_challenge: "challenge-value",
    code_challenge_method: "S256",
  });
});

test("a code is redeemed with its verifier, the callback and the client secret, as a form", async () => {
  const tokens = await createEntraClient(frontConfig()).redeem({
    grant: "authorization_code",
    code: "the-code",
    codeVerifier: "the-verifier",
  });
  expect(tokens).toEqual({ accessToken: "at", refreshToken: "rt" });
  const [request] = endpoint.requests;
  expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  expect(request.headers.accept).toBe("application/json");
  expect(Object.fromEntries(request.form)).toEqual({
    client_id: CLIENT_ID,
    grant_type: "authorization_code",
    scope: `api://${CLIENT_ID}/user_impersonation offline_access`,
    code: "the-code",
    code_verifier: "the-verifier",
    redirect_uri: "https://mcp.example.com/oauth/callback",
    client_secret: "front-secret",
  });
});

test("a refresh token is redeemed with the same scopes, never a resource", async () => {
  endpoint.answer = (res) => json(res, 200, { access_token: "at2" });
  const tokens = await createEntraClient(frontConfig()).redeem({
    grant: "refresh_token",
    refreshToken: "rt1",
  });
  expect(tokens).toEqual({ accessToken: "at2", refreshToken: undefined });
  expect(Object.fromEntries(endpoint.requests[0].form)).toEqual({
    client_id: CLIENT_ID,
    grant_type: "refresh_token",
    scope: `api://${CLIENT_ID}/user_impersonation offline_access`,
    refresh_token: "rt1",
    client_secret: "front-secret",
  });
});

describe("Entra's refusals and failures are an EntraTokenError naming the error", () => {
  const redeem = () =>
    createEntraClient(frontConfig()).redeem({ grant: "refresh_token", refreshToken: "rt" });

  async function refusal(): Promise<EntraTokenError> {
    const error = await redeem().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EntraTokenError);
    expect((error as Error).name).toBe("EntraTokenError");
    return error as EntraTokenError;
  }

  test("Entra's error and the first line of its description", async () => {
    endpoint.answer = (res) =>
      json(res, 400, {
        error: "invalid_grant",
        error_description: "AADSTS700082: The refresh token has expired.\r\nTrace ID: 1\r\nTimestamp: now",
      });
    const error = await refusal();
    expect(error.error).toBe("invalid_grant");
    expect(error.message).toBe(
      "Entra token endpoint: invalid_grant: AADSTS700082: The refresh token has expired.",
    );
  });

  test("a description on one line is kept whole; a bare \\n also ends the first line", async () => {
    endpoint.answer = (res) =>
      json(res, 400, { error: "invalid_client", error_description: "AADSTS7000215: bad secret" });
    expect((await refusal()).message).toBe("Entra token endpoint: invalid_client: AADSTS7000215: bad secret");
    endpoint.answer = (res) =>
      json(res, 400, { error: "invalid_client", error_description: "first\nsecond" });
    expect((await refusal()).message).toBe("Entra token endpoint: invalid_client: first");
  });

  test("an error answer without fields names the HTTP status", async () => {
    endpoint.answer = (res) => json(res, 500, { error: 5, error_description: ["x"] });
    const error = await refusal();
    expect(error.error).toBe("HTTP 500");
    expect(error.message).toBe("Entra token endpoint: HTTP 500: ");
  });

  test("an answer that is not JSON", async () => {
    endpoint.answer = (res) =>
      res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad gateway</html>");
    expect((await refusal()).message).toBe("Entra token endpoint: HTTP 502: ");
  });

  test("HTTP 200 without an access token is no success", async () => {
    endpoint.answer = (res) => json(res, 200, { refresh_token: "rt", access_token: 42 });
    expect((await refusal()).error).toBe("HTTP 200");
  });

  test("an error field wins even on HTTP 200", async () => {
    endpoint.answer = (res) =>
      json(res, 200, { error: "temporarily_unavailable", error_description: "busy" });
    expect((await refusal()).message).toBe("Entra token endpoint: temporarily_unavailable: busy");
  });

  test("a token answer on an error status is no success", async () => {
    endpoint.answer = (res) => json(res, 400, { access_token: "at" });
    expect((await refusal()).error).toBe("HTTP 400");
  });

  test("a refresh token that is not a string is dropped", async () => {
    endpoint.answer = (res) => json(res, 200, { access_token: "at", refresh_token: 7 });
    expect(await redeem()).toEqual({ accessToken: "at", refreshToken: undefined });
  });

  test("an endpoint that cannot be reached is 'unreachable', with the reason", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/token`;
    await new Promise((resolve) => closed.close(resolve));
    const error = await createEntraClient(frontConfig({ entraTokenUrl: url }))
      .redeem({ grant: "refresh_token", refreshToken: "rt" })
      .catch((caught: unknown) => caught as EntraTokenError);
    expect(error).toBeInstanceOf(EntraTokenError);
    expect((error as EntraTokenError).error).toBe("unreachable");
    expect((error as EntraTokenError).message).toMatch(/^Entra token endpoint: unreachable: \S/);
  });
});

describe("without a client secret (Azure), a client assertion from the managed identity", () => {
  // Container Apps hands managed identity tokens out at IDENTITY_ENDPOINT, checked by IDENTITY_HEADER: a
  // stand-in on 127.0.0.1 that records what it was asked for.
  const identityRequests: { url: URL; header: string | undefined }[] = [];
  let identity: Server;
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

  beforeAll(async () => {
    identity = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      identityRequests.push({ url, header: req.headers["x-identity-header"] as string | undefined });
      const who = url.searchParams.get("client_id") ?? "system";
      json(res, 200, {
        access_token: `assertion-for-${who}`,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource: url.searchParams.get("resource"),
        token_type: "Bearer",
      });
    });
    identity.listen(0, "127.0.0.1");
    await once(identity, "listening");
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(identity.address() as AddressInfo).port}/msi/token`;
    process.env.IDENTITY_HEADER = "identity-header-value";
  });

  afterAll(async () => {
    for (const [name, value] of [
      ["IDENTITY_ENDPOINT", saved.endpoint],
      ["IDENTITY_HEADER", saved.header],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    identity.closeAllConnections();
    await new Promise((resolve) => identity.close(resolve));
  });

  const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  test("the system-assigned identity, for the token exchange audience, and no secret sent", async () => {
    const client = createEntraClient(frontConfig({ clientSecret: undefined }));
    await client.redeem({ grant: "refresh_token", refreshToken: "rt" });
    const form = endpoint.requests[0].form;
    expect(form.get("client_assertion_type")).toBe(ASSERTION_TYPE);
    expect(form.get("client_assertion")).toBe("assertion-for-system");
    expect(form.has("client_secret")).toBe(false);
    const asked = identityRequests.at(-1)!;
    expect(asked.url.searchParams.get("resource")).toBe("api://AzureADTokenExchange");
    expect(asked.url.searchParams.has("client_id")).toBe(false);
    expect(asked.header).toBe("identity-header-value");
  });

  test("the user-assigned identity named by AZURE_CLIENT_ID", async () => {
    const identityId = "9a8b7c6d-0000-4000-8000-00000000abcd";
    const client = createEntraClient(frontConfig({ clientSecret: undefined }), identityId);
    await client.redeem({ grant: "authorization_code", code: "c", codeVerifier: "v" });
    expect(endpoint.requests[0].form.get("client_assertion")).toBe(`assertion-for-${identityId}`);
    expect(identityRequests.at(-1)!.url.searchParams.get("client_id")).toBe(identityId);
  });
});
