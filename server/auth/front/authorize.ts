import type { Response } from "express";
import type { OAuthClientInformationFull } from "@modelcontextprotocol/server";
import {
  InvalidTargetError,
  type AuthorizationParams,
  type OAuthServerProvider,
} from "@modelcontextprotocol/server-legacy/auth";
import type { Pending } from "./artefacts";
import type { BrowserBinding } from "./browser-binding";
import { PAGE_HEADERS } from "./browser-responses";
import { renderConsentPage } from "./consent-page";
import { OAUTH_FRONT_PATHS } from "./paths";
import type { FrontDeps } from "./provider-deps";

/**
 * Answers an authorization request with the consent page: the request sealed into the form, the browser
 * bound by a cookie, and forms allowed only to the front, Entra and the client's redirect origin.
 */
export function createAuthorize(
  deps: FrontDeps,
  binding: BrowserBinding,
  resources: string[],
): OAuthServerProvider["authorize"] {
  const { config, sealer } = deps;
  const entraOrigin = new URL(config.entraAuthorizeUrl).origin;

  return async function authorize(
    client: OAuthClientInformationFull,
    params: AuthorizationParams,
    res: Response,
  ) {
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
  };
}
