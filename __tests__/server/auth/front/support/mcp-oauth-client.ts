import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { Browser } from "./browser";

/**
 * The MCP TypeScript client's OAuth provider as an application implements it: keeps what the SDK hands it
 * and, where a desktop app would open a browser, records the authorization URL. With `clientMetadataUrl`
 * the SDK uses CIMD (the URL is the client id); without it, DCR.
 */
export class RecordingOAuthProvider implements OAuthClientProvider {
  authorizationUrl?: URL;
  client?: StoredOAuthClientInformation;
  saved?: StoredOAuthTokens;
  private verifier = "";
  private discovery?: OAuthDiscoveryState;

  constructor(
    readonly redirectUrl: string,
    readonly clientMetadataUrl?: string,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Front test client",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
}

/**
 * A never-registered client signs in through the front and calls whoami: connect (401, discovery, DCR or
 * CIMD, authorization URL), the browser approves the consent page and signs in at Entra, finishAuth
 * redeems the code, a new connection calls the tool. Returns whoami's structured content.
 */
export async function signInAndCallWhoami(
  mcpUrl: URL,
  provider: RecordingOAuthProvider,
  browser = new Browser(),
): Promise<{ whoami: Record<string, unknown>; consentPage: string; browser: Browser }> {
  const first = new Client({ name: "front-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
  await expect(first.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  if (provider.authorizationUrl === undefined) throw new Error("the SDK never asked to open a browser");
  const { html, callback } = await browser.approve(provider.authorizationUrl.href, provider.redirectUrl);
  await transport.finishAuth(callback.searchParams);
  const client = new Client({ name: "front-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
  try {
    const result = await client.callTool({ name: "whoami", arguments: {} });
    return { whoami: result.structuredContent as Record<string, unknown>, consentPage: html, browser };
  } finally {
    await client.close();
  }
}
