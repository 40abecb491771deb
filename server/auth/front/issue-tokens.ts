import { randomUUID } from "node:crypto";
import type { OAuthTokens } from "@modelcontextprotocol/server";
import type { CallerIdentity } from "../types";
import { mintAccessToken } from "./access-tokens";
import type { RefreshClaims } from "./artefacts";
import type { OAuthFrontConfig } from "./config";
import type { Sealer } from "./sealed";

/** What a token response is issued for: a redeemed code or a rotated refresh token. */
export interface Grant {
  /** The resource the access token is for. */
  res: string;
  /** The scopes granted, echoed in the response's `scope`. */
  scp: string[];
  /** Who signed in at Entra. */
  caller: CallerIdentity;
  /** Entra's refresh token: without it, no refresh token is issued. */
  ert?: string;
  /** The refresh family the new refresh token joins. */
  fam: string;
}

/** An access token for `clientId`, and a refresh token of the grant's family when Entra gave one. */
export async function issueTokens(
  sealer: Sealer,
  config: OAuthFrontConfig,
  clientId: string,
  grant: Grant,
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
