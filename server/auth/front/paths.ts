import { OAUTH_FRONT_CALLBACK_PATH } from "../../contract";

/**
 * Where the authorization front answers. The callback is the contract's OAUTH_FRONT_CALLBACK_PATH: the
 * Entra app registration lists `<MCP_PUBLIC_URL>/oauth/callback` as the front's web redirect URI.
 */
export const OAUTH_FRONT_PATHS = {
  metadata: "/.well-known/oauth-authorization-server",
  authorize: "/authorize",
  consent: "/oauth/consent",
  callback: OAUTH_FRONT_CALLBACK_PATH,
  token: "/token",
  register: "/register",
  revoke: "/revoke",
} as const;

/** The path of Entra's redirect back to the front (the contract's). */
export { OAUTH_FRONT_CALLBACK_PATH };
