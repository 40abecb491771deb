import express, { Router } from "express";
import {
  authorizationHandler,
  clientRegistrationHandler,
  revocationHandler,
  tokenHandler,
} from "@modelcontextprotocol/server-legacy/auth";
import type { EntraAuthConfig } from "../config";
import { createEntraVerifier } from "../entra-verifier";
import { createJwksCache, type JwksCacheOptions } from "../jwks-cache";
import type { AuthLogger } from "../middleware";
import { fullScopes } from "../scopes";
import { createClientsStore } from "./clients";
import type { ClientMetadataFetchOptions } from "./client-metadata-document";
import { createEntraClient } from "./entra-client";
import { OAUTH_FRONT_PATHS as PATHS } from "./paths";
import { createFrontProvider } from "./provider";
import { createSealer } from "./sealed";

/** What `oauthFrontRouter` takes besides the settings; tests tune the CIMD fetch. */
export interface OAuthFrontOptions {
  /** Where replays, Entra refusals and JWKS fetch failures are reported. */
  readonly logger?: AuthLogger;
  /** CIMD fetch tuning; tests pass the CA of their loopback https server. */
  readonly clientMetadata?: Partial<Omit<ClientMetadataFetchOptions, "allowLoopback">>;
  /** AZURE_CLIENT_ID: the user-assigned managed identity that signs the front's client assertion. */
  readonly managedIdentityClientId?: string;
  /** JWKS caching for the check of Entra's tokens; tests inject a clock. @default - see JwksCacheOptions */
  readonly jwks?: JwksCacheOptions;
}

/**
 * The authorization front (MCP_OAUTH_FRONT=on): RFC 8414 metadata, /authorize with a consent page, Entra's
 * callback, /token, RFC 7591 registration and RFC 7009 revocation. The protocol checks (parameters, PKCE S256,
 * exact redirect URIs with any port on loopback, client authentication, error shapes) are the MCP SDK's
 * authorization-server handlers; the provider behind them is ours and keeps no state but spent ids.
 */
export function oauthFrontRouter(auth: EntraAuthConfig, options: OAuthFrontOptions = {}): Router {
  const config = auth.front;
  if (config === undefined) return Router();
  const sealer = createSealer(config.key, config.issuer);
  const jwks = createJwksCache(auth.jwksUri, {
    onFetchError: (error) => options.logger?.warn({ err: String(error) }, "oauth front: JWKS fetch failed"),
    ...options.jwks,
  });
  const { provider, consent, callback } = createFrontProvider({
    config,
    sealer,
    clientsStore: createClientsStore(sealer, {
      ...options.clientMetadata,
      allowLoopback: config.allowLoopbackClientMetadata,
    }),
    entra: createEntraClient(config, options.managedIdentityClientId),
    verifyEntraToken: createEntraVerifier(auth, jwks),
    logger: options.logger,
  });

  const metadata = {
    issuer: config.issuer,
    authorization_endpoint: `${config.issuer}${PATHS.authorize}`,
    token_endpoint: `${config.issuer}${PATHS.token}`,
    registration_endpoint: `${config.issuer}${PATHS.register}`,
    revocation_endpoint: `${config.issuer}${PATHS.revoke}`,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: ["none", "client_secret_post"],
    revocation_endpoint_auth_methods_supported: ["none", "client_secret_post"],
    scopes_supported: fullScopes(auth),
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };

  // The SDK handlers' own per-address rate limits are off: behind the Container Apps ingress every caller
  // shares its address, so they would lock everyone out together.
  const rateLimit = false as const;
  const router = Router();
  router.get(PATHS.metadata, (_req, res) => {
    res.set({ "Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600" }).json(metadata);
  });
  router.post(PATHS.consent, express.urlencoded({ extended: false, limit: "16kb" }), consent);
  router.get(PATHS.callback, callback);
  router.use(PATHS.authorize, authorizationHandler({ provider, rateLimit }));
  router.use(PATHS.token, tokenHandler({ provider, rateLimit }));
  router.use(
    PATHS.register,
    clientRegistrationHandler({ clientsStore: provider.clientsStore, rateLimit, clientIdGeneration: false }),
  );
  router.use(PATHS.revoke, revocationHandler({ provider, rateLimit }));
  return router;
}
