import { createHash, randomBytes } from "node:crypto";
import { modernHeaders, modernRequest } from "../../../support/modern";
import { Browser } from "./browser";

/** The OAuth requests an MCP client makes, by hand, for tests that must send what a good client would not. */
export const REDIRECT_URI = "http://127.0.0.1:4567/callback";

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export async function register(base: string, redirectUris: string[] = [REDIRECT_URI]): Promise<string> {
  const response = await fetch(`${base}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "Raw client",
      redirect_uris: redirectUris,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
    }),
  });
  if (response.status !== 201)
    throw new Error(`registration failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { client_id: string }).client_id;
}

export function authorizeUrl(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(`${base}/authorize`);
  for (const [key, value] of Object.entries({
    response_type: "code",
    code_challenge_method: "S256",
    ...params,
  })) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.href;
}

export function token(base: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${base}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
}

/** A registered client, an approved sign-in and its code (not yet redeemed). */
export async function signedInCode(base: string, resource?: string) {
  const clientId = await register(base);
  const { verifier, challenge } = pkce();
  const url = authorizeUrl(base, {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: challenge,
    state: "s1",
    resource,
  });
  const { callback } = await new Browser().approve(url, REDIRECT_URI);
  const code = callback.searchParams.get("code");
  if (code === null) throw new Error(`no code: ${callback.href}`);
  return { clientId, verifier, code, callback };
}

export function redeem(
  base: string,
  grant: { clientId: string; verifier: string; code: string },
): Promise<Response> {
  return token(base, {
    grant_type: "authorization_code",
    client_id: grant.clientId,
    code: grant.code,
    code_verifier: grant.verifier,
    redirect_uri: REDIRECT_URI,
  });
}

/** whoami over the modern era with a bearer token; the JSON-RPC answer or the HTTP status. */
export async function whoami(
  mcpUrl: string,
  accessToken: string,
): Promise<{ status: number; caller?: Record<string, unknown> }> {
  const response = await fetch(mcpUrl, {
    method: "POST",
    headers: { ...modernHeaders("tools/call", "whoami"), authorization: `Bearer ${accessToken}` },
    body: JSON.stringify(modernRequest(1, "tools/call", { name: "whoami", arguments: {} })),
  });
  if (response.status !== 200) return { status: response.status };
  const text = await response.text();
  const data = text.startsWith("{") ? text : (/^data: (.*)$/m.exec(text)?.[1] ?? "{}");
  const answer = JSON.parse(data) as { result?: { structuredContent?: Record<string, unknown> } };
  return { status: 200, caller: answer.result?.structuredContent };
}
