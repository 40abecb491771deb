import {
  InvalidGrantError,
  InvalidTargetError,
  type OAuthServerProvider,
} from "@modelcontextprotocol/server-legacy/auth";
import type { CallerIdentity } from "../types";
import type { RefreshClaims } from "./artefacts";
import { EntraTokenError } from "./entra-client";
import { callerFrom } from "./entra-caller";
import { issueTokens } from "./issue-tokens";
import type { FrontDeps } from "./provider-deps";
import { ReplayGuard } from "./replay-guard";

/** The token endpoint's refresh_token grant and the revocation endpoint. */
export type RefreshGrant = Required<Pick<OAuthServerProvider, "exchangeRefreshToken" | "revokeToken">>;

/**
 * Refresh token rotation: each refresh token is used once and replaced; a used one coming back revokes its
 * whole family; every refresh redeems Entra's refresh token again, so a user Entra no longer signs in loses
 * access. Spent tokens and revoked families are remembered per replica.
 */
export function createRefreshGrant(deps: FrontDeps): RefreshGrant {
  const { config, sealer, entra } = deps;
  const usedRefreshTokens = new ReplayGuard();
  const revokedFamilies = new ReplayGuard();

  return {
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
        caller = await callerFrom(deps.verifyEntraToken, tokens.accessToken);
        ert = tokens.refreshToken ?? claims.ert;
      } catch (error) {
        if (!(error instanceof EntraTokenError)) throw error;
        deps.logger?.info({ err: error.message }, "oauth front: Entra refused a refresh");
        throw new InvalidGrantError("the sign-in at Entra ID is no longer valid; sign in again");
      }
      return issueTokens(sealer, config, client.client_id, { ...claims, caller, ert });
    },

    async revokeToken(client, request) {
      const refresh = await sealer.open<RefreshClaims>("refresh", request.token);
      if (refresh !== undefined && refresh.cid === client.client_id)
        revokedFamilies.add(refresh.fam, refresh.exp);
    },
  };
}
