import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { RequestHandler, Response } from "express";
import type { OAuthClientInformationFull, OAuthTokens } from "@modelcontextprotocol/server";
import {
  InvalidGrantError,
  InvalidTargetError,
  type AuthorizationParams,
  type OAuthRegisteredClientsStore,
  type OAuthServerProvider,
} from "@modelcontextprotocol/server-legacy/auth";
import type { AuthLogger } from "../middleware";
import type { EntraVerdict } from "../entra-verifier";
import type { CallerIdentity } from "../types";
import { mintAccessToken, verifyAccessToken } from "./access-tokens";
import { createBrowserBinding } from "./browser-binding";
import type { OAuthFrontConfig } from "./config";
import { renderConsentPage } from "./consent-page";
import { EntraTokenError, type EntraClient } from "./entra-client";
import { OAUTH_FRONT_PATHS } from "./paths";
import { ReplayGuard } from "./replay-guard";
import type { Sealer } from "./sealed";

/** An authorization request the user has not approved yet; sealed into the consent form and Entra state. */
interface Pending {
  cid: string;
  cname?: string;
  ruri: string;
  cch: string;
  st?: string;
  scp: string[];
  res: string;
  nonce: string;
}

/** The front's authorization code: everything the token endpoint needs, sealed, valid for seconds. */
interface CodeClaims {
  cid: string;
  ruri: string;
  cch: string;
  res: string;
  scp: string[];
  caller: CallerIdentity;
  ert?: string;
  jti: string;
  exp: number;
}

interface RefreshClaims {
  cid: string;
  res: string;
  scp: string[];
  ert: string;
  fam: string;
  jti: string;
  exp: number;
}

/** What the front's OAuth provider is built from. */
export interface FrontDeps {
  readonly config: OAuthFrontConfig;
  readonly sealer: Sealer;
  readonly clientsStore: OAuthRegisteredClientsStore;
  readonly entra: EntraClient;
  /** The server's own Entra token check (signature, issuer, audience, scope). */
  readonly verifyEntraToken: (token: string) => Promise<EntraVerdict>;
  readonly logger?: AuthLogger;
}

const PAGE_HEADERS = (formTargets: string[]) => ({
  "Cache-Control": "no-store",
  "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formTargets.join(" ")}; frame-ancestors 'none'`,
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
});

/** The front's OAuth server provider for the SDK's router, and the two endpoints it adds. */
export interface FrontProvider {
  readonly provider: OAuthServerProvider;
  /** POST /oauth/consent: the consent form's answer. */
  readonly consent: RequestHandler;
  /** GET /oauth/callback: Entra's answer. */
  readonly callback: RequestHandler;
}

/**
 * The OAuth provider behind the SDK's authorization-server handlers, plus the two steps that are the front's
 * own: the consent form's POST and Entra's callback. Nothing is stored: every artefact is sealed (sealed.ts)
 * and only ids already spent are remembered, per replica (replay-guard.ts).
 */
export function createFrontProvider(deps: FrontDeps): FrontProvider {
  const { config, sealer, entra } = deps;
  const binding = createBrowserBinding(config.issuer);
  const usedCodes = new ReplayGuard();
  const usedRefreshTokens = new ReplayGuard();
  const revokedFamilies = new ReplayGuard();
  const resources = [`${config.issuer}/mcp`, `${config.issuer}/sse`];
  const entraOrigin = new URL(config.entraAuthorizeUrl).origin;

  const redirectWith = (
    res: Response,
    pending: Pick<Pending, "ruri" | "st">,
    params: Record<string, string>,
  ) => {
    const url = new URL(pending.ruri);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    if (pending.st !== undefined) url.searchParams.set("state", pending.st);
    url.searchParams.set("iss", config.issuer);
    res.redirect(302, url.href);
  };
  const page = (res: Response, status: number, message: string) =>
    res.status(status).set(PAGE_HEADERS([])).type("text/plain").send(message);

  async function issueTokens(
    clientId: string,
    grant: { res: string; scp: string[]; caller: CallerIdentity; ert?: string; fam: string },
  ): Promise<OAuthTokens> {
    const accessToken = await mintAccessToken(sealer, config.accessTokenSeconds, {
      resource: grant.res,
      clientId,
      caller: grant.caller,
    });
    const tokens: OAuthTokens = {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: config.accessTokenSeconds,
      ...(grant.scp.length > 0 ? { scope: grant.scp.join(" ") } : {}),
    };
    if (grant.ert === undefined) return tokens;
    const refresh: Omit<RefreshClaims, "exp"> = {
      cid: clientId,
      res: grant.res,
      scp: grant.scp,
      ert: grant.ert,
      fam: grant.fam,
      jti: randomUUID(),
    };
    return {
      ...tokens,
      refresh_token: await sealer.seal("refresh", { ...refresh }, config.refreshTokenSeconds),
    };
  }

  async function openCode(client: OAuthClientInformationFull, code: string): Promise<CodeClaims> {
    const claims = await sealer.open<CodeClaims>("code", code);
    if (claims === undefined) throw new InvalidGrantError("authorization code is invalid or expired");
    if (claims.cid !== client.client_id)
      throw new InvalidGrantError("authorization code was issued to another client");
    return claims;
  }

  /** Signs the caller in at Entra with what it returned; a refused token is an access_denied. */
  async function callerFrom(accessToken: string): Promise<CallerIdentity> {
    const verdict = await deps.verifyEntraToken(accessToken);
    if (verdict.outcome !== "ok") throw new EntraTokenError("invalid_token", verdict.reason);
    return verdict.caller;
  }

  const provider: OAuthServerProvider = {
    clientsStore: deps.clientsStore,

    async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: Response) {
      const resource = params.resource?.href ?? resources[0];
      if (!resources.includes(resource)) {
        throw new InvalidTargetError(`resource must be one of ${resources.join(", ")}`);
      }
      const nonce = binding.bind(res, config.consentSeconds);
      const pending: Pending = {
        cid: client.client_id,
        cname: client.client_name,
        ruri: params.redirectUri,
        cch: params.codeChallenge,
        st: params.state,
        scp: params.scopes ?? [],
        res: resource,
        nonce,
      };
      const sealedRequest = await sealer.seal("consent", { p: pending }, config.consentSeconds);
      res
        .status(200)
        .set(PAGE_HEADERS([entraOrigin, new URL(params.redirectUri).origin]))
        .type("html")
        .send(
          renderConsentPage({
            clientName: client.client_name,
            clientId: client.client_id,
            redirectUri: params.redirectUri,
            resource,
            sealedRequest,
            action: OAUTH_FRONT_PATHS.consent,
          }),
        );
    },

    async challengeForAuthorizationCode(client, code) {
      return (await openCode(client, code)).cch;
    },

    async exchangeAuthorizationCode(client, code, _verifier, redirectUri, resource) {
      const claims = await openCode(client, code);
      if (redirectUri !== undefined && redirectUri !== claims.ruri) {
        throw new InvalidGrantError("redirect_uri differs from the one the code was issued for");
      }
      if (resource !== undefined && resource.href !== claims.res) {
        throw new InvalidTargetError("resource differs from the one the code was issued for");
      }
      if (!usedCodes.claim(claims.jti, claims.exp)) {
        deps.logger?.warn({ clientId: claims.cid.slice(0, 64) }, "oauth front: authorization code replayed");
        throw new InvalidGrantError("authorization code was already used");
      }
      return issueTokens(client.client_id, { ...claims, fam: randomUUID() });
    },

    async exchangeRefreshToken(client, refreshToken, _scopes, resource) {
      const claims = await sealer.open<RefreshClaims>("refresh", refreshToken);
      if (claims === undefined || claims.cid !== client.client_id || revokedFamilies.has(claims.fam)) {
        throw new InvalidGrantError("refresh token is invalid, expired or revoked");
      }
      if (resource !== undefined && resource.href !== claims.res) {
        throw new InvalidTargetError("resource differs from the one the refresh token was issued for");
      }
      if (!usedRefreshTokens.claim(claims.jti, claims.exp)) {
        // A rotated-out refresh token came back: someone holds a copy. End the whole family (RFC 9700 §4.14).
        revokedFamilies.add(claims.fam, claims.exp);
        throw new InvalidGrantError("refresh token was already used; sign in again");
      }
      let caller: CallerIdentity;
      let ert: string;
      try {
        const tokens = await entra.redeem({ grant: "refresh_token", refreshToken: claims.ert });
        caller = await callerFrom(tokens.accessToken);
        ert = tokens.refreshToken ?? claims.ert;
      } catch (error) {
        if (!(error instanceof EntraTokenError)) throw error;
        deps.logger?.info({ err: error.message }, "oauth front: Entra refused a refresh");
        throw new InvalidGrantError("the sign-in at Entra ID is no longer valid; sign in again");
      }
      return issueTokens(client.client_id, { ...claims, caller, ert });
    },

    async verifyAccessToken(token) {
      const verdict = await verifyAccessToken(sealer, token, resources[0]);
      if (verdict.outcome !== "ok") throw new InvalidGrantError(verdict.reason);
      return {
        token,
        clientId: verdict.caller.appId ?? "",
        scopes: [...verdict.caller.scopes],
        expiresAt: verdict.expiresAt,
      };
    },

    async revokeToken(client, request) {
      const refresh = await sealer.open<RefreshClaims>("refresh", request.token);
      if (refresh !== undefined && refresh.cid === client.client_id)
        revokedFamilies.add(refresh.fam, refresh.exp);
    },
  };

  const consent: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const sealed = typeof body.request === "string" ? body.request : "";
    const pending = (await sealer.open<{ p: Pending }>("consent", sealed))?.p;
    if (pending === undefined) {
      page(
        res,
        400,
        "This consent page has expired or is not valid. Start the sign-in again from your application.",
      );
      return;
    }
    if (!binding.matches(req, pending.nonce)) {
      page(
        res,
        403,
        "This approval did not come from the browser that opened the consent page. Start the sign-in again.",
      );
      return;
    }
    if (body.approve === undefined) {
      binding.clear(res);
      redirectWith(res, pending, { error: "access_denied", error_description: "the user denied access" });
      return;
    }
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const state = await sealer.seal("entra-state", { p: pending, ev: verifier }, config.consentSeconds);
    res.set("Cache-Control", "no-store").redirect(302, entra.authorizeUrl(state, challenge));
  };

  const callback: RequestHandler = async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const opened = await sealer.open<{ p: Pending; ev: string }>(
      "entra-state",
      typeof query.state === "string" ? query.state : "",
    );
    if (opened === undefined) {
      page(res, 400, "This sign-in has expired or is not valid. Start it again from your application.");
      return;
    }
    const { p: pending, ev: verifier } = opened;
    if (!binding.matches(req, pending.nonce)) {
      page(res, 403, "This sign-in did not start in this browser. Start it again from your application.");
      return;
    }
    binding.clear(res);
    if (typeof query.error === "string" || typeof query.code !== "string") {
      const reason = typeof query.error === "string" ? query.error : "no code";
      redirectWith(res, pending, {
        error: "access_denied",
        error_description: `Entra ID sign-in failed: ${reason}`,
      });
      return;
    }
    let caller: CallerIdentity;
    let ert: string | undefined;
    try {
      const tokens = await entra.redeem({
        grant: "authorization_code",
        code: query.code,
        codeVerifier: verifier,
      });
      caller = await callerFrom(tokens.accessToken);
      ert = tokens.refreshToken;
    } catch (error) {
      if (!(error instanceof EntraTokenError)) throw error;
      deps.logger?.warn({ err: error.message }, "oauth front: Entra sign-in refused");
      redirectWith(res, pending, {
        error: "access_denied",
        error_description: "Entra ID did not grant access",
      });
      return;
    }
    const code: Omit<CodeClaims, "exp"> = {
      cid: pending.cid,
      ruri: pending.ruri,
      cch: pending.cch,
      res: pending.res,
      scp: pending.scp,
      caller,
      ...(ert === undefined ? {} : { ert }),
      jti: randomUUID(),
    };
    redirectWith(res, pending, { code: await sealer.seal("code", { ...code }, config.codeSeconds) });
  };

  return { provider, consent, callback };
}
