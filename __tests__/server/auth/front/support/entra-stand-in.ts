import { createHash, randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { newSigningKey, signToken, type SigningKey } from "../../support/tokens";

/** The app registration the stand-in knows: the API, which is also the front's confidential client. */
export interface EntraApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly identifierUri: string;
  readonly redirectUris: readonly string[];
  readonly scope: string;
}

export interface EntraUser {
  readonly oid: string;
  readonly name: string;
  readonly preferred_username: string;
  readonly roles?: readonly string[];
}

interface IssuedCode {
  readonly redirectUri: string;
  readonly challenge?: string;
  readonly scopes: string[];
  readonly user: EntraUser;
}

/**
 * Microsoft Entra ID on 127.0.0.1, as far as the front sees it, enforcing Entra's documented rules: no
 * registration endpoint (its OpenID configuration has none, and /register is 404); an authorization request
 * for an unknown client or an unregistered redirect URI gets an error page, never a redirect (AADSTS700016,
 * AADSTS50011); `resource`, when sent, must equal the identifier URI of the API whose scope is requested
 * (invalid_target, AADSTS9010010); PKCE S256 checked at the token endpoint; codes single use; v2 access
 * tokens with aud = the API's client id, scp, oid, tid, signed by a key it serves as JWKS. Every
 * authorization request is recorded so tests can check what the front sent.
 */
export class EntraStandIn {
  readonly authorizeRequests: URLSearchParams[] = [];
  readonly tokenRequests: URLSearchParams[] = [];
  /** The user who "signs in" at the next authorization request. */
  user: EntraUser = {
    oid: "00000000-0000-0000-0000-0000000000b2",
    name: "Grace Hopper",
    preferred_username: "grace@contoso.example",
  };
  /** When true, refresh tokens are refused (the user was disabled or their sessions revoked). */
  refusesRefresh = false;
  /** When false, a refresh is answered without a new refresh token (the old one stays valid). */
  rotatesRefreshTokens = true;
  /** When false, no refresh token at all (a tenant policy that refuses offline_access). */
  issuesRefreshTokens = true;
  /** When true, the signing keys (JWKS) answer HTTP 500: an outage of Entra's key endpoint. */
  failsKeys = false;
  /** Requests for the signing keys so far, answered or failed. */
  keyFetches = 0;
  private server?: Server;
  private key?: SigningKey;
  private readonly codes = new Map<string, IssuedCode>();
  private readonly refreshTokens = new Map<string, { scopes: string[]; user: EntraUser }>();

  private readonly redirectUris: string[];

  constructor(
    readonly tenantId: string,
    private readonly app: EntraApp,
  ) {
    this.redirectUris = [...app.redirectUris];
  }

  /** Registers one more redirect URI on the app, as `McpEntraApp.addOauthFront` does in Azure. */
  addRedirectUri(uri: string): void {
    this.redirectUris.push(uri);
  }

  get authority(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get issuer(): string {
    return `${this.authority}/${this.tenantId}/v2.0`;
  }

  async start(): Promise<void> {
    this.key = await newSigningKey("stand-in-key");
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A v2 access token as Entra would issue it to `azp` for this API. */
  async accessToken(user: EntraUser, overrides: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return signToken(
      {
        iss: this.issuer,
        aud: this.app.clientId,
        iat: now,
        nbf: now,
        exp: now + 3600,
        ver: "2.0",
        tid: this.tenantId,
        azp: this.app.clientId,
        scp: this.app.scope,
        ...user,
        ...overrides,
      },
      this.key!,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.authority);
    const base = `/${this.tenantId}`;
    if (req.method === "GET" && url.pathname === `${base}/v2.0/.well-known/openid-configuration`) {
      return json(res, 200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.authority}${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${this.authority}${base}/oauth2/v2.0/token`,
        jwks_uri: `${this.authority}${base}/discovery/v2.0/keys`,
        code_challenge_methods_supported: ["plain", "S256"],
      });
    }
    if (req.method === "GET" && url.pathname === `${base}/discovery/v2.0/keys`) {
      this.keyFetches += 1;
      if (this.failsKeys) return json(res, 500, { error: "server_error" });
      return json(res, 200, { keys: [this.key!.jwk] });
    }
    if (req.method === "GET" && url.pathname === `${base}/oauth2/v2.0/authorize`) {
      return this.authorize(url.searchParams, res);
    }
    if (req.method === "POST" && url.pathname === `${base}/oauth2/v2.0/token`) {
      return this.token(new URLSearchParams(await body(req)), res);
    }
    res.statusCode = 404;
    res.end();
  }

  private authorize(params: URLSearchParams, res: ServerResponse): void {
    this.authorizeRequests.push(params);
    if (params.get("client_id") !== this.app.clientId) {
      return page(res, "AADSTS700016: Application not found in the directory");
    }
    const redirectUri = params.get("redirect_uri") ?? "";
    if (!this.redirectUris.includes(redirectUri)) {
      return page(res, "AADSTS50011: The redirect URI specified in the request does not match");
    }
    const back = (fields: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
      const state = params.get("state");
      if (state !== null) target.searchParams.set("state", state);
      res.statusCode = 302;
      res.setHeader("location", target.href);
      res.end();
    };
    const scopes = (params.get("scope") ?? "").split(" ").filter(Boolean);
    const resource = params.get("resource");
    if (resource !== null && resource !== this.app.identifierUri) {
      return back({
        error: "invalid_target",
        error_description:
          "AADSTS9010010: The resource parameter provided in the request doesn't match with the requested scopes.",
      });
    }
    if (params.get("response_type") !== "code") return back({ error: "unsupported_response_type" });
    if (!scopes.includes(`${this.app.identifierUri}/${this.app.scope}`)) {
      return back({
        error: "invalid_scope",
        error_description: "AADSTS65005: the API scope was not requested",
      });
    }
    const method = params.get("code_challenge_method");
    if (params.has("code_challenge") && method !== "S256") {
      return back({ error: "invalid_request", error_description: "AADSTS501491: S256 only" });
    }
    const code = randomBytes(24).toString("base64url");
    this.codes.set(code, {
      redirectUri,
      challenge: params.get("code_challenge") ?? undefined,
      scopes,
      user: this.user,
    });
    back({ code });
  }

  private async token(params: URLSearchParams, res: ServerResponse): Promise<void> {
    this.tokenRequests.push(params);
    const fail = (error: string, description: string) =>
      json(res, 400, { error, error_description: description });
    if (
      params.get("client_id") !== this.app.clientId ||
      params.get("client_secret") !== this.app.clientSecret
    ) {
      return fail("invalid_client", "AADSTS7000215: Invalid client secret provided.");
    }
    if (params.has("resource"))
      return fail("invalid_request", "AADSTS901002: the 'resource' request parameter is not supported.");
    let user: EntraUser;
    let scopes: string[];
    switch (params.get("grant_type")) {
      case "authorization_code": {
        const code = this.codes.get(params.get("code") ?? "");
        this.codes.delete(params.get("code") ?? "");
        if (code === undefined)
          return fail("invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed");
        if (params.get("redirect_uri") !== code.redirectUri)
          return fail("invalid_grant", "AADSTS50011: redirect_uri mismatch");
        if (code.challenge !== undefined) {
          const verifier = params.get("code_verifier") ?? "";
          if (createHash("sha256").update(verifier).digest("base64url") !== code.challenge) {
            return fail("invalid_grant", "AADSTS501481: The Code_Verifier does not match the code_challenge");
          }
        }
        user = code.user;
        scopes = code.scopes;
        break;
      }
      case "refresh_token": {
        const stored = this.refreshTokens.get(params.get("refresh_token") ?? "");
        if (stored === undefined || this.refusesRefresh) {
          return fail("invalid_grant", "AADSTS700082: The refresh token has expired or was revoked");
        }
        user = stored.user;
        scopes = stored.scopes;
        break;
      }
      default:
        return fail("unsupported_grant_type", "AADSTS70003");
    }
    const answer: Record<string, unknown> = {
      token_type: "Bearer",
      expires_in: 3600,
      scope: scopes.filter((s) => s !== "offline_access").join(" "),
      access_token: await this.accessToken(user),
    };
    const rotate = params.get("grant_type") === "authorization_code" || this.rotatesRefreshTokens;
    if (scopes.includes("offline_access") && rotate && this.issuesRefreshTokens) {
      const refresh = `${randomUUID()}.${randomBytes(16).toString("base64url")}`;
      this.refreshTokens.set(refresh, { scopes, user });
      answer.refresh_token = refresh;
    }
    json(res, 200, answer);
  }
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(value));
}

function page(res: ServerResponse, message: string): void {
  res.statusCode = 400;
  res.setHeader("content-type", "text/html");
  res.end(`<html><body><h1>Sign in</h1><p>${message}</p></body></html>`);
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
