import { randomUUID } from "node:crypto";
import type { OAuthClientInformationFull } from "@modelcontextprotocol/server";
import {
  InvalidGrantError,
  InvalidTargetError,
  type OAuthServerProvider,
} from "@modelcontextprotocol/server-legacy/auth";
import type { CodeClaims } from "./artefacts";
import { issueTokens } from "./issue-tokens";
import type { FrontDeps } from "./provider-deps";
import { ReplayGuard } from "./replay-guard";

/** The token endpoint's authorization_code grant: each code redeemed once, by its client, as issued. */
export type CodeGrant = Pick<
  OAuthServerProvider,
  "challengeForAuthorizationCode" | "exchangeAuthorizationCode"
>;

/** The authorization_code half of the front's provider; spent codes are remembered per replica. */
export function createCodeGrant(deps: FrontDeps): CodeGrant {
  const { config, sealer } = deps;
  const usedCodes = new ReplayGuard();

  async function openCode(client: OAuthClientInformationFull, code: string): Promise<CodeClaims> {
    const claims = await sealer.open<CodeClaims>("code", code);
    if (claims === undefined) throw new InvalidGrantError("authorization code is invalid or expired");
    if (claims.cid !== client.client_id)
      throw new InvalidGrantError("authorization code was issued to another client");
    return claims;
  }

  return {
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
      return issueTokens(sealer, config, client.client_id, { ...claims, fam: randomUUID() });
    },
  };
}
