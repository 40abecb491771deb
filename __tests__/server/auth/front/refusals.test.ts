import { createSealer } from "../../../../server/auth/front/sealed";
import { Browser } from "./support/browser";
import { EntraStandIn } from "./support/entra-stand-in";
import { frontKey, startEntra, startFrontServer, type FrontServer } from "./support/front-server";
import {
  authorizeUrl,
  pkce,
  redeem,
  REDIRECT_URI,
  register,
  signedInCode,
  token,
  whoami,
} from "./support/raw-oauth";

// Every attack the authorization front must refuse, each by hand (a good client would not send it).

let entra: EntraStandIn;
let server: FrontServer;
let replica: FrontServer;
const key = frontKey();

beforeAll(async () => {
  entra = await startEntra();
  server = await startFrontServer(entra, key);
  // A second replica behind the same public URL, sharing only MCP_OAUTH_FRONT_KEY.
  replica = await startFrontServer(entra, key, { publicUrl: server.publicUrl });
  entra.addRedirectUri(`${server.publicUrl}/oauth/callback`);
});

afterAll(async () => {
  await replica.close();
  await server.close();
  await entra.stop();
});

const mcp = () => `${server.base}/mcp`;

async function tokensFor(grant: { clientId: string; verifier: string; code: string }, base = server.base) {
  const response = await redeem(base, grant);
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

describe("redirect URIs", () => {
  test("an unregistered redirect URI is refused with a page, never a redirect (no open redirect)", async () => {
    const clientId = await register(server.base);
    const { challenge } = pkce();
    const sentBefore = entra.authorizeRequests.length;
    const response = await fetch(
      authorizeUrl(server.base, {
        client_id: clientId,
        redirect_uri: "https://evil.example/cb",
        code_challenge: challenge,
      }),
      { redirect: "manual" },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toMatch(/Unregistered redirect_uri/);
    expect(entra.authorizeRequests.length).toBe(sentBefore);
  });

  test("a loopback redirect URI matches on any port, nothing else about it", async () => {
    const clientId = await register(server.base);
    const { challenge } = pkce();
    const otherPort = await fetch(
      authorizeUrl(server.base, {
        client_id: clientId,
        redirect_uri: "http://127.0.0.1:9999/callback",
        code_challenge: challenge,
      }),
      { redirect: "manual" },
    );
    expect(otherPort.status).toBe(200);
    const otherPath = await fetch(
      authorizeUrl(server.base, {
        client_id: clientId,
        redirect_uri: "http://127.0.0.1:4567/elsewhere",
        code_challenge: challenge,
      }),
      { redirect: "manual" },
    );
    expect(otherPath.status).toBe(400);
  });
});

describe("PKCE", () => {
  test("an authorization request without a code challenge is refused before any consent page", async () => {
    const clientId = await register(server.base);
    const response = await fetch(
      authorizeUrl(server.base, {
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        code_challenge_method: undefined,
      }),
      { redirect: "manual" },
    );
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
  });

  test("the plain method is refused: S256 only", async () => {
    const clientId = await register(server.base);
    const response = await fetch(
      authorizeUrl(server.base, {
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        code_challenge: "a".repeat(43),
        code_challenge_method: "plain",
      }),
      { redirect: "manual" },
    );
    expect(new URL(response.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
  });

  test("a code redeemed with a wrong or missing verifier is refused", async () => {
    const grant = await signedInCode(server.base);
    const wrong = await redeem(server.base, { ...grant, verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe("invalid_grant");
    const missing = await token(server.base, {
      grant_type: "authorization_code",
      client_id: grant.clientId,
      code: grant.code,
      redirect_uri: REDIRECT_URI,
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toBe("invalid_request");
    // Neither attempt spent the code: its owner still redeems it.
    await tokensFor(grant);
  });
});

describe("codes", () => {
  test("a code is single use", async () => {
    const grant = await signedInCode(server.base);
    await tokensFor(grant);
    const replay = await redeem(server.base, grant);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({
      error: "invalid_grant",
      error_description: expect.stringMatching(/already used/),
    });
  });

  test("a code issued to one client is refused for another", async () => {
    const grant = await signedInCode(server.base);
    const otherClient = await register(server.base);
    const response = await redeem(server.base, { ...grant, clientId: otherClient });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_grant");
  });

  test("a second replica redeems a code the first issued, and both accept the token", async () => {
    const grant = await signedInCode(server.base);
    const tokens = await tokensFor(grant, replica.base);
    expect((await whoami(`${replica.base}/mcp`, tokens.access_token)).caller?.id).toBe(entra.user.oid);
    expect((await whoami(mcp(), tokens.access_token)).caller?.id).toBe(entra.user.oid);
  });
});

describe("consent", () => {
  test("an approval posted without the consent page's cookie (a cross-site auto-submit) goes nowhere", async () => {
    const clientId = await register(server.base);
    const url = authorizeUrl(server.base, {
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: pkce().challenge,
    });
    const page = await fetch(url);
    const { action, fields } = Browser.consentForm(await page.text(), url);
    const sentBefore = entra.authorizeRequests.length;
    const forged = await fetch(action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...fields, approve: "yes" }),
      redirect: "manual",
    });
    expect(forged.status).toBe(403);
    expect(entra.authorizeRequests.length).toBe(sentBefore);
  });

  test("the consent page cannot be framed and denial sends access_denied back without asking Entra", async () => {
    const clientId = await register(server.base);
    const url = authorizeUrl(server.base, {
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: pkce().challenge,
      state: "xyz",
    });
    const page = await fetch(url);
    expect(page.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    const sentBefore = entra.authorizeRequests.length;
    const { callback } = await new Browser().approve(url, REDIRECT_URI, "deny");
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe("xyz");
    expect(entra.authorizeRequests.length).toBe(sentBefore);
  });
});

describe("resources and tokens", () => {
  test("an authorization request for another resource is refused (invalid_target)", async () => {
    const clientId = await register(server.base);
    const response = await fetch(
      authorizeUrl(server.base, {
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        code_challenge: pkce().challenge,
        resource: "https://other.example/mcp",
      }),
      { redirect: "manual" },
    );
    expect(new URL(response.headers.get("location")!).searchParams.get("error")).toBe("invalid_target");
  });

  test("a token minted for another resource (/sse) is refused at /mcp", async () => {
    const grant = await signedInCode(server.base, `${server.publicUrl}/sse`);
    const tokens = await tokensFor(grant);
    expect((await whoami(mcp(), tokens.access_token)).status).toBe(401);
  });

  test("a token sealed under another MCP_OAUTH_FRONT_KEY is refused", async () => {
    const grant = await signedInCode(server.base);
    const tokens = await tokensFor(grant);
    const stranger = await startFrontServer(entra, frontKey(), { publicUrl: server.publicUrl });
    try {
      expect((await whoami(`${stranger.base}/mcp`, tokens.access_token)).status).toBe(401);
    } finally {
      await stranger.close();
    }
  });
});

describe("refresh tokens", () => {
  const refresh = (clientId: string, refreshToken: string, base = server.base) =>
    token(base, { grant_type: "refresh_token", client_id: clientId, refresh_token: refreshToken });

  test("a refresh rotates the refresh token; the old one, replayed, ends the whole family", async () => {
    const grant = await signedInCode(server.base);
    const first = await tokensFor(grant);
    const rotated = await refresh(grant.clientId, first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as { access_token: string; refresh_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect((await whoami(mcp(), second.access_token)).caller?.id).toBe(entra.user.oid);

    const replay = await refresh(grant.clientId, first.refresh_token);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");
    expect((await refresh(grant.clientId, second.refresh_token)).status).toBe(400);
  });

  test("a revoked refresh token is refused", async () => {
    const grant = await signedInCode(server.base);
    const tokens = await tokensFor(grant);
    const revoked = await fetch(`${server.base}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.refresh_token, client_id: grant.clientId }),
    });
    expect(revoked.status).toBe(200);
    const response = await refresh(grant.clientId, tokens.refresh_token);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_grant");
  });

  test("an expired refresh token is refused", async () => {
    const grant = await signedInCode(server.base);
    const tokens = await tokensFor(grant);
    // The same token, resealed with the replicas' key and an expiry in the past.
    const sealer = createSealer(new TextEncoder().encode(key), server.publicUrl);
    const claims = (await sealer.open<Record<string, unknown>>("refresh", tokens.refresh_token))!;
    const expired = await sealer.seal("refresh", { ...claims, exp: Math.floor(Date.now() / 1000) - 5 });
    const response = await refresh(grant.clientId, expired);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_grant");
    expect((await refresh(grant.clientId, tokens.refresh_token)).status).toBe(200);
  });

  test("a refresh fails once Entra no longer accepts the user's sign-in", async () => {
    const grant = await signedInCode(server.base);
    const tokens = await tokensFor(grant);
    entra.refusesRefresh = true;
    try {
      const response = await refresh(grant.clientId, tokens.refresh_token);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe("invalid_grant");
    } finally {
      entra.refusesRefresh = false;
    }
  });
});
