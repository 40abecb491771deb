import type { CallerIdentity } from "../types";

/** An authorization request the user has not approved yet; sealed into the consent form and Entra state. */
export interface Pending {
  /** The MCP client's id (a DCR id or a CIMD URL). */
  cid: string;
  /** The client's self-declared name, shown on the consent page only. */
  cname?: string;
  /** The redirect URI the client asked for, already checked against its registration by the SDK. */
  ruri: string;
  /** The client's PKCE S256 challenge, handed on into the code. */
  cch: string;
  /** The client's `state`, echoed back on every redirect to it. */
  st?: string;
  /** The scopes the client asked for. */
  scp: string[];
  /** The resource (MCP URL) the tokens will be for. */
  res: string;
  /** The browser binding's nonce: the approval and the callback must come with the same cookie. */
  nonce: string;
}

/** The front's authorization code: everything the token endpoint needs, sealed, valid for seconds. */
export interface CodeClaims {
  /** The client it was issued to; no other client may redeem it. */
  cid: string;
  /** The redirect URI it was issued for; a token request naming another is refused. */
  ruri: string;
  /** The client's PKCE S256 challenge, checked by the SDK against the verifier at the token endpoint. */
  cch: string;
  /** The resource the tokens will be for. */
  res: string;
  /** The scopes granted. */
  scp: string[];
  /** Who signed in at Entra. */
  caller: CallerIdentity;
  /** Entra's refresh token, when it gave one: without it the front issues no refresh token. */
  ert?: string;
  /** The code's id: spent on first use, so a replayed code is refused. */
  jti: string;
  /** Expiry, seconds since the epoch, set by the sealer. */
  exp: number;
}

/** The front's refresh token: rotated on every use, one family per sign-in. */
export interface RefreshClaims {
  /** The client it was issued to; no other client may use or revoke it. */
  cid: string;
  /** The resource the tokens are for. */
  res: string;
  /** The scopes granted. */
  scp: string[];
  /** Entra's refresh token, redeemed on every refresh so a user disabled at Entra loses access. */
  ert: string;
  /** The family (one per sign-in): a replayed, rotated-out token revokes all of it. */
  fam: string;
  /** The token's id: spent on first use. */
  jti: string;
  /** Expiry, seconds since the epoch, set by the sealer. */
  exp: number;
}
