import { loadAzureIdentity } from "../../lazy-load";
import type { OAuthFrontConfig } from "./config";
import { OAUTH_FRONT_CALLBACK_PATH } from "./paths";

/** Entra's answer at its token endpoint. */
export interface EntraTokens {
  /** Checked like any Entra token the server receives, to learn who signed in. */
  readonly accessToken: string;
  /** Present when Entra granted offline_access; sealed inside the front's refresh token. */
  readonly refreshToken?: string;
}

/** Entra refused (its `error` and AADSTS description) or could not be reached. */
export class EntraTokenError extends Error {
  constructor(
    /** Entra's OAuth `error` code (`invalid_grant`, ...), or `unreachable` when no answer came. */
    readonly error: string,
    description: string,
  ) {
    super(`Entra token endpoint: ${error}: ${description}`);
    this.name = "EntraTokenError";
  }
}

/**
 * What the front redeems at Entra's token endpoint: a sign-in's code with its PKCE verifier, or a refresh
 * token.
 */
export type EntraGrant =
  | {
      /** A sign-in's code, redeemed once. */
      readonly grant: "authorization_code";
      /** The code Entra sent to the callback. */
      readonly code: string;
      /** The PKCE verifier of the challenge the front sent with the sign-in. */
      readonly codeVerifier: string;
    }
  | {
      /** A refresh of Entra's tokens behind one of the front's refresh tokens. */
      readonly grant: "refresh_token";
      /** Entra's refresh token, kept sealed inside the front's own. */
      readonly refreshToken: string;
    };

/**
 * The front as an ordinary confidential client of Entra: the API's scopes and offline_access, never a
 * `resource` parameter (Entra refuses one that differs from the identifier URI, AADSTS9010010). It proves
 * itself with MCP_OAUTH_FRONT_CLIENT_SECRET locally, else with a client assertion from the managed identity
 * (a federated credential on the app registration: no secret exists in Azure).
 */
export function createEntraClient(config: OAuthFrontConfig, managedIdentityClientId?: string) {
  const redirectUri = `${config.issuer}${OAUTH_FRONT_CALLBACK_PATH}`;
  const scope = config.entraScopes.join(" ");

  const clientProof = async (): Promise<Record<string, string>> => {
    if (config.clientSecret !== undefined) return { client_secret: config.clientSecret };
    const { ManagedIdentityCredential } = loadAzureIdentity();
    const credential = new ManagedIdentityCredential(
      managedIdentityClientId === undefined ? {} : { clientId: managedIdentityClientId },
    );
    const assertion = await credential.getToken("api://AzureADTokenExchange/.default");
    return {
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion.token,
    };
  };

  return {
    redirectUri,
    authorizeUrl(state: string, codeChallenge: string): string {
      const url = new URL(config.entraAuthorizeUrl);
      url.search = new URLSearchParams({
        client_id: config.clientId,
        response_type: "code",
        redirect_uri: redirectUri,
        response_mode: "query",
        scope,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: "S256",
      }).toString();
      return url.href;
    },
    async redeem(grant: EntraGrant): Promise<EntraTokens> {
      const params: Record<string, string> =
        grant.grant === "authorization_code"
          ? { code: grant.code, code_verifier: grant.codeVerifier, redirect_uri: redirectUri }
          : { refresh_token: grant.refreshToken };
      const body = new URLSearchParams({
        client_id: config.clientId,
        grant_type: grant.grant,
        scope,
        ...params,
        ...(await clientProof()),
      });
      let response: Response;
      try {
        response = await fetch(config.entraTokenUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body,
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new EntraTokenError("unreachable", error instanceof Error ? error.message : String(error));
      }
      const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (!response.ok || typeof answer.access_token !== "string") {
        throw new EntraTokenError(
          typeof answer.error === "string" ? answer.error : `HTTP ${response.status}`,
          typeof answer.error_description === "string" ? answer.error_description.split(/\r?\n/)[0] : "",
        );
      }
      return {
        accessToken: answer.access_token,
        refreshToken: typeof answer.refresh_token === "string" ? answer.refresh_token : undefined,
      };
    },
  };
}

/** The front's client of Entra (`createEntraClient`). */
export type EntraClient = ReturnType<typeof createEntraClient>;
