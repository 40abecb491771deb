import type { RequestHandler } from "express";
import { InvalidGrantError, type OAuthServerProvider } from "@modelcontextprotocol/server-legacy/auth";
import { verifyAccessToken } from "./access-tokens";
import { createAuthorize } from "./authorize";
import { createBrowserBinding } from "./browser-binding";
import { createCodeGrant } from "./code-grant";
import { createConsentHandler } from "./consent-answer";
import { createCallbackHandler } from "./entra-callback";
import type { FrontDeps } from "./provider-deps";
import { createRefreshGrant } from "./refresh-grant";

/** The front's OAuth server provider for the SDK's router, and the two endpoints it adds. */
export interface FrontProvider {
  /** What the SDK's authorize, token and revocation handlers call once they have checked a request. */
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
  const { config, sealer } = deps;
  const binding = createBrowserBinding(config.issuer);
  const resources = [`${config.issuer}/mcp`, `${config.issuer}/sse`];

  const provider: OAuthServerProvider = {
    clientsStore: deps.clientsStore,
    authorize: createAuthorize(deps, binding, resources),
    ...createCodeGrant(deps),
    ...createRefreshGrant(deps),

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
  };

  const consent = createConsentHandler(deps, binding);
  const callback = createCallbackHandler(deps, binding);
  return { provider, consent, callback };
}
