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

// What each step of a sign-in through the front answers, exactly: the pages' texts and security headers,
// the redirects back to the client (state and the RFC 9207 `iss`), Entra's refusals at its authorize and
// token endpoints, and the token responses. refusals.test.ts holds the attacks; this file the answers.

let entra: EntraStandIn;
let server: FrontServer;
const key = frontKey();

beforeAll(async () => {
  entra = await startEntra();
  server = await startFrontServer(entra, key);
  entra.addRedirectUri(`${server.publicUrl}/oauth/callback`);
});

afterAll(async () => {
  await server.close();
  await entra.stop();
});

const entraOrigin = () => new URL(entra.authority).origin;

/** A browser that opened the consent page for a new client and approved it: it stands before Entra. */
async function approvedAtEntra(state = "client-state") {
  const clientId = await register(server.base);
  const { verifier, challenge } = pkce();
  const url = authorizeUrl(server.base, {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    state,
  });
  const browser = new Browser();
  const page = await browser.request(url);
  const { action, fields } = Browser.consentForm(await page.text(), url);
  const approved = await browser.request(action, { method: "POST", form: { ...fields, approve: "yes" } });
  const atEntra = new URL(approved.headers.get("location")!);
  return {
    browser,
    clientId,
    verifier,
    page,
    approved,
    atEntra,
    entraState: atEntra.searchParams.get("state")!,
  };
}

/** The front's answer to Entra's redirect back, as `browser` (with its cookie) or a stranger. */
function callback(browser: Browser, query: Record<string, string>) {
  return browser.request(`${server.base}/oauth/callback?${new URLSearchParams(query)}`);
}

function expectPageHeaders(response: Response) {
  expect(response.headers.get("cache-control")).toBe("no-store");
  if (response.headers.get("content-type")?.startsWith("text/plain")) {
    // A plain page posts nowhere.
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ; frame-ancestors 'none'",
    );
  }
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
}

describe("the consent page", () => {
  test("is HTML that only posts back to itself, Entra and the client, and is neither framed nor cached", async () => {
    const { page } = await approvedAtEntra();
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expectPageHeaders(page);
    expect(page.headers.get("content-security-policy")).toBe(
      `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${entraOrigin()} http://127.0.0.1:4567; ` +
        "frame-ancestors 'none'",
    );
    expect(page.headers.getSetCookie()[0]).toMatch(
      /^mcp-front=[\w-]{43}; Max-Age=600; Path=\/oauth; HttpOnly/,
    );
  });

  test("approval sends the browser to Entra with a fresh PKCE challenge and the sealed request as state", async () => {
    const { approved, atEntra } = await approvedAtEntra();
    expect(approved.status).toBe(302);
    expect(approved.headers.get("cache-control")).toBe("no-store");
    expect(`${atEntra.origin}${atEntra.pathname}`).toBe(
      `${entra.authority}/${entra.tenantId}/oauth2/v2.0/authorize`,
    );
    expect(atEntra.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(atEntra.searchParams.get("redirect_uri")).toBe(`${server.publicUrl}/oauth/callback`);
    const sealer = createSealer(new TextEncoder().encode(key), server.publicUrl);
    const state = await sealer.open<{ p: { ruri: string; st: string }; ev: string }>(
      "entra-state",
      atEntra.searchParams.get("state")!,
    );
    expect(state?.p).toMatchObject({ ruri: REDIRECT_URI, st: "client-state" });
    expect(state?.ev).toMatch(/^[\w-]{43}$/);
  });

  test("an expired or forged consent is a plain page saying so; so is one without a request", async () => {
    const forms: Record<string, string>[] = [{ request: "forged", approve: "yes" }, { approve: "yes" }];
    for (const form of forms) {
      const response = await new Browser().request(`${server.base}/oauth/consent`, { method: "POST", form });
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expectPageHeaders(response);
      expect(await response.text()).toBe(
        "This consent page has expired or is not valid. Start the sign-in again from your application.",
      );
    }
  });

  test("the consent form is read flat and small: approve[x] is no approval, 16 KB is the most", async () => {
    const clientId = await register(server.base);
    const url = authorizeUrl(server.base, {
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: pkce().challenge,
    });
    const browser = new Browser();
    const page = await browser.request(url);
    const { action, fields } = Browser.consentForm(await page.text(), url);
    const oversized = await browser.request(action, {
      method: "POST",
      form: { ...fields, approve: "yes", padding: "x".repeat(17 * 1024) },
    });
    expect(oversized.status).toBe(413);
    const nested = await browser.request(action, {
      method: "POST",
      form: { ...fields, "approve[x]": "yes" },
    });
    expect(nested.status).toBe(302);
    expect(new URL(nested.headers.get("location")!).searchParams.get("error")).toBe("access_denied");
  });

  test("an approval from another browser is a page saying so", async () => {
    const clientId = await register(server.base);
    const url = authorizeUrl(server.base, {
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: pkce().challenge,
    });
    const page = await new Browser().request(url);
    const { action, fields } = Browser.consentForm(await page.text(), url);
    const response = await new Browser().request(action, {
      method: "POST",
      form: { ...fields, approve: "yes" },
    });
    expect(response.status).toBe(403);
    expectPageHeaders(response);
    expect(await response.text()).toBe(
      "This approval did not come from the browser that opened the consent page. Start the sign-in again.",
    );
  });

  test("a denial goes back to the client with access_denied, its state and the issuer, and ends the cookie", async () => {
    const clientId = await register(server.base);
    const url = authorizeUrl(server.base, {
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: pkce().challenge,
      state: "s-deny",
    });
    const browser = new Browser();
    const page = await browser.request(url);
    const { action, fields } = Browser.consentForm(await page.text(), url);
    const denied = await browser.request(action, { method: "POST", form: { ...fields, deny: "yes" } });
    expect(denied.status).toBe(302);
    expect(denied.headers.getSetCookie()).toEqual([
      "mcp-front=; Max-Age=0; Path=/oauth; HttpOnly; SameSite=Lax",
    ]);
    const back = new URL(denied.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: "access_denied",
      error_description: "the user denied access",
      state: "s-deny",
      iss: server.publicUrl,
    });
  });
});

describe("Entra's redirect back", () => {
  test("a sign-in Entra refused goes back to the client as access_denied naming Entra's error", async () => {
    const { browser, entraState } = await approvedAtEntra("s-entra");
    const response = await callback(browser, { error: "consent_required", state: entraState });
    expect(response.status).toBe(302);
    expect(response.headers.getSetCookie()).toEqual([
      "mcp-front=; Max-Age=0; Path=/oauth; HttpOnly; SameSite=Lax",
    ]);
    expect(Object.fromEntries(new URL(response.headers.get("location")!).searchParams)).toEqual({
      error: "access_denied",
      error_description: "Entra ID sign-in failed: consent_required",
      state: "s-entra",
      iss: server.publicUrl,
    });
  });

  test("an error with a code beside it is still a failed sign-in: the code is not redeemed", async () => {
    const { browser, entraState } = await approvedAtEntra();
    const redeemed = entra.tokenRequests.length;
    const response = await callback(browser, { error: "interaction_required", code: "c", state: entraState });
    expect(new URL(response.headers.get("location")!).searchParams.get("error_description")).toBe(
      "Entra ID sign-in failed: interaction_required",
    );
    expect(entra.tokenRequests.length).toBe(redeemed);
  });

  test("an answer without a code is a failed sign-in too", async () => {
    const { browser, entraState } = await approvedAtEntra();
    const response = await callback(browser, { state: entraState });
    expect(new URL(response.headers.get("location")!).searchParams.get("error_description")).toBe(
      "Entra ID sign-in failed: no code",
    );
  });

  test("a code Entra will not redeem is access_denied, logged, and no code reaches the client", async () => {
    const { browser, entraState } = await approvedAtEntra("s-code");
    const response = await callback(browser, { code: "not-a-code-entra-issued", state: entraState });
    const back = new URL(response.headers.get("location")!);
    expect(Object.fromEntries(back.searchParams)).toEqual({
      error: "access_denied",
      error_description: "Entra ID did not grant access",
      state: "s-code",
      iss: server.publicUrl,
    });
    expect(server.logLines()).toContainEqual(
      expect.objectContaining({
        msg: "oauth front: Entra sign-in refused",
        err: expect.stringMatching(/^Entra token endpoint: invalid_grant: AADSTS54005/),
      }),
    );
  });

  test("a token Entra issued that this server does not accept is access_denied", async () => {
    const { browser, entraState } = await approvedAtEntra();
    const saved = entra.user;
    // Entra answers, but for a user whose token the server refuses (no object id).
    entra.user = { ...saved, oid: "" };
    try {
      const atEntra = await browser.request(
        `${entra.authority}/${entra.tenantId}/oauth2/v2.0/authorize?${new URLSearchParams({
          client_id: "6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f",
          response_type: "code",
          redirect_uri: `${server.publicUrl}/oauth/callback`,
          scope: "api://6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f/user_impersonation",
          state: entraState,
        })}`,
      );
      const back = await browser.request(atEntra.headers.get("location")!);
      expect(new URL(back.headers.get("location")!).searchParams.get("error_description")).toBe(
        "Entra ID did not grant access",
      );
      expect(server.logLines()).toContainEqual(
        expect.objectContaining({
          msg: "oauth front: Entra sign-in refused",
          err: expect.stringMatching(/^Entra token endpoint: invalid_token: \S/),
        }),
      );
    } finally {
      entra.user = saved;
    }
  });

  test("an outage of Entra's signing keys once they are cached: sign-ins go on, the failed refresh is logged", async () => {
    const clock = { now: Date.now() };
    const front = await startFrontServer(entra, frontKey(), {
      options: { oauthFront: { jwks: { now: () => clock.now } } },
    });
    entra.addRedirectUri(`${front.publicUrl}/oauth/callback`);
    try {
      expect((await signedInCode(front.base)).code).toBeTruthy();
      // Eleven minutes on, the keys are stale: the next sign-in refreshes them in the background.
      clock.now += 11 * 60_000;
      entra.failsKeys = true;
      expect((await signedInCode(front.base)).code).toBeTruthy();
      // The refresh runs in the background: wait for its log line (the test's timeout bounds the wait).
      const failed = () =>
        front.logLines().find((line) => line.msg === "oauth front: JWKS fetch failed" && line.level === 40);
      while (failed() === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(failed()!.err).toMatch(/\S/);
    } finally {
      entra.failsKeys = false;
      await front.close();
    }
  });

  test("an expired or forged state is a page; a state from another browser too", async () => {
    const forged = await callback(new Browser(), { code: "c", state: "forged" });
    expect(forged.status).toBe(400);
    expectPageHeaders(forged);
    expect(await forged.text()).toBe(
      "This sign-in has expired or is not valid. Start it again from your application.",
    );
    const missing = await new Browser().request(`${server.base}/oauth/callback?state=a&state=b`);
    expect(missing.status).toBe(400);

    const { entraState } = await approvedAtEntra();
    const stranger = await callback(new Browser(), { code: "c", state: entraState });
    expect(stranger.status).toBe(403);
    expect(await stranger.text()).toBe(
      "This sign-in did not start in this browser. Start it again from your application.",
    );
  });

  test("a sign-in without a state goes back without one", async () => {
    const clientId = await register(server.base);
    const url = authorizeUrl(server.base, {
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: pkce().challenge,
    });
    const { callback: back } = await new Browser().approve(url, REDIRECT_URI);
    expect([...back.searchParams.keys()].sort()).toEqual(["code", "iss"]);
    const { callback: denied } = await new Browser().approve(url, REDIRECT_URI, "deny");
    expect([...denied.searchParams.keys()].sort()).toEqual(["error", "error_description", "iss"]);
  });

  test("a successful sign-in goes back with a code, the client's state and the issuer", async () => {
    const grant = await signedInCode(server.base);
    expect([...grant.callback.searchParams.keys()].sort()).toEqual(["code", "iss", "state"]);
    expect(grant.callback.searchParams.get("state")).toBe("s1");
    expect(grant.callback.searchParams.get("iss")).toBe(server.publicUrl);
  });
});

test("an authorization request for another resource names the ones there are", async () => {
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
  const back = new URL(response.headers.get("location")!);
  expect(back.searchParams.get("error")).toBe("invalid_target");
  expect(back.searchParams.get("error_description")).toBe(
    `resource must be one of ${server.publicUrl}/mcp, ${server.publicUrl}/sse`,
  );
});

describe("the token endpoint", () => {
  test("a code gives a Bearer access token for 600 s, the scopes asked for and a refresh token", async () => {
    const clientId = await register(server.base);
    const { verifier, challenge } = pkce();
    const url = authorizeUrl(server.base, {
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      scope: "mcp.read mcp.write",
    });
    const { callback: back } = await new Browser().approve(url, REDIRECT_URI);
    const response = await redeem(server.base, { clientId, verifier, code: back.searchParams.get("code")! });
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, unknown>;
    expect(tokens).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 600,
      scope: "mcp.read mcp.write",
      refresh_token: expect.any(String),
    });
  });

  test("when Entra gives no refresh token, the client gets none either", async () => {
    entra.issuesRefreshTokens = false;
    try {
      const grant = await signedInCode(server.base);
      const tokens = (await (await redeem(server.base, grant)).json()) as Record<string, unknown>;
      expect(tokens.access_token).toEqual(expect.any(String));
      expect(tokens).not.toHaveProperty("refresh_token");
    } finally {
      entra.issuesRefreshTokens = true;
    }
  });

  test("without scopes asked for, no scope in the answer", async () => {
    const grant = await signedInCode(server.base);
    const tokens = (await (await redeem(server.base, grant)).json()) as Record<string, unknown>;
    expect(tokens).not.toHaveProperty("scope");
    expect(tokens.token_type).toBe("Bearer");
  });

  test("a code is refused with its reason: altered, another client's, another redirect URI or resource", async () => {
    const grant = await signedInCode(server.base);
    const refusal = async (params: Record<string, string>) =>
      (await (await token(server.base, params)).json()) as { error: string; error_description: string };
    const base = {
      grant_type: "authorization_code",
      client_id: grant.clientId,
      code: grant.code,
      code_verifier: grant.verifier,
    };
    expect(await refusal({ ...base, code: `${grant.code}x` })).toEqual({
      error: "invalid_grant",
      error_description: "authorization code is invalid or expired",
    });
    expect(await refusal({ ...base, client_id: await register(server.base) })).toEqual({
      error: "invalid_grant",
      error_description: "authorization code was issued to another client",
    });
    expect(await refusal({ ...base, redirect_uri: "http://127.0.0.1:4567/elsewhere" })).toEqual({
      error: "invalid_grant",
      error_description: "redirect_uri differs from the one the code was issued for",
    });
    expect(
      await refusal({ ...base, redirect_uri: REDIRECT_URI, resource: `${server.publicUrl}/sse` }),
    ).toEqual({
      error: "invalid_target",
      error_description: "resource differs from the one the code was issued for",
    });
    // None of these spent it; the replay after use is logged.
    expect(
      (await token(server.base, { ...base, redirect_uri: REDIRECT_URI, resource: `${server.publicUrl}/mcp` }))
        .status,
    ).toBe(200);
    expect(await refusal({ ...base, redirect_uri: REDIRECT_URI })).toEqual({
      error: "invalid_grant",
      error_description: "authorization code was already used",
    });
    expect(server.logLines()).toContainEqual(
      expect.objectContaining({
        msg: "oauth front: authorization code replayed",
        clientId: grant.clientId.slice(0, 64),
      }),
    );
  });

  test("a code redeemed without redirect_uri or resource is accepted", async () => {
    const grant = await signedInCode(server.base);
    const response = await token(server.base, {
      grant_type: "authorization_code",
      client_id: grant.clientId,
      code: grant.code,
      code_verifier: grant.verifier,
    });
    expect(response.status).toBe(200);
  });
});

describe("refresh tokens", () => {
  const refresh = (clientId: string, refreshToken: string, extra: Record<string, string> = {}) =>
    token(server.base, {
      grant_type: "refresh_token",
      client_id: clientId,
      refresh_token: refreshToken,
      ...extra,
    });

  async function signedIn() {
    const grant = await signedInCode(server.base);
    const tokens = (await (await redeem(server.base, grant)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    return { ...grant, ...tokens };
  }

  test("a refresh gives new tokens for the same caller; refused ones say why", async () => {
    const first = await signedIn();
    expect(await (await refresh(await register(server.base), first.refresh_token)).json()).toEqual({
      error: "invalid_grant",
      error_description: "refresh token is invalid, expired or revoked",
    });
    expect(
      await (
        await refresh(first.clientId, first.refresh_token, { resource: `${server.publicUrl}/sse` })
      ).json(),
    ).toEqual({
      error: "invalid_target",
      error_description: "resource differs from the one the refresh token was issued for",
    });
    const rotated = await refresh(first.clientId, first.refresh_token, {
      resource: `${server.publicUrl}/mcp`,
    });
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as { access_token: string; refresh_token: string };
    expect((await whoami(`${server.base}/mcp`, second.access_token)).caller?.id).toBe(entra.user.oid);
    expect(await (await refresh(first.clientId, first.refresh_token)).json()).toEqual({
      error: "invalid_grant",
      error_description: "refresh token was already used; sign in again",
    });
  });

  test("Entra's refusal of the refresh is logged and ends the front's refresh too", async () => {
    const first = await signedIn();
    entra.refusesRefresh = true;
    try {
      expect(await (await refresh(first.clientId, first.refresh_token)).json()).toEqual({
        error: "invalid_grant",
        error_description: "the sign-in at Entra ID is no longer valid; sign in again",
      });
    } finally {
      entra.refusesRefresh = false;
    }
    expect(server.logLines()).toContainEqual(
      expect.objectContaining({
        msg: "oauth front: Entra refused a refresh",
        err: expect.stringMatching(/^Entra token endpoint: invalid_grant: AADSTS700082/),
      }),
    );
  });

  test("the front redeems Entra's newest refresh token, or keeps the one it had when Entra sends none", async () => {
    const first = await signedIn();
    const sentToEntra = () => entra.tokenRequests.at(-1)!.get("refresh_token");
    const second = (await (await refresh(first.clientId, first.refresh_token)).json()) as {
      refresh_token: string;
    };
    const entraFirst = sentToEntra();
    const third = (await (await refresh(first.clientId, second.refresh_token)).json()) as {
      refresh_token: string;
    };
    const entraSecond = sentToEntra();
    expect(entraSecond).not.toBe(entraFirst);
    entra.rotatesRefreshTokens = false;
    try {
      const fourth = await refresh(first.clientId, third.refresh_token);
      expect(fourth.status).toBe(200);
      const entraThird = sentToEntra();
      expect(entraThird).not.toBe(entraSecond);
      const fifth = (await fourth.json()) as { refresh_token: string };
      expect((await refresh(first.clientId, fifth.refresh_token)).status).toBe(200);
      expect(sentToEntra()).toBe(entraThird);
    } finally {
      entra.rotatesRefreshTokens = true;
    }
  });

  test("only the client it was issued to can revoke a refresh token", async () => {
    const first = await signedIn();
    const revoke = (clientId: string) =>
      fetch(`${server.base}/revoke`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: first.refresh_token, client_id: clientId }),
      });
    expect((await revoke(await register(server.base))).status).toBe(200);
    // RFC 7009: a token the server does not know is no error either.
    const unknown = await fetch(`${server.base}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: "not-a-token", client_id: first.clientId }),
    });
    expect(unknown.status).toBe(200);
    const stillValid = await refresh(first.clientId, first.refresh_token);
    expect(stillValid.status).toBe(200);
    const second = (await stillValid.json()) as { refresh_token: string };
    expect((await revoke(first.clientId)).status).toBe(200);
    // Revoking the first token of the family ends the whole family, the rotated one included.
    expect((await refresh(first.clientId, second.refresh_token)).status).toBe(400);
  });
});
