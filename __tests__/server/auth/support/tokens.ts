import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export const TENANT_ID = "11111111-2222-3333-4444-555555555555";
export const CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
export const APP_ID_URI = "api://mcp-test";
export const V2_ISSUER = `https://login.microsoftonline.com/${TENANT_ID}/v2.0`;
export const V1_ISSUER = `https://sts.windows.net/${TENANT_ID}/`;

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  // Like Entra's published keys: no "alg" member, so only the verifier's allow-list pins the algorithm.
  const jwk = { ...(await exportJWK(publicKey)), kid, use: "sig" };
  return { kid, privateKey, publicKey, jwk };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Claims of a delegated v2 token for a user, valid for ten minutes. */
export function delegatedClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: V2_ISSUER,
    aud: APP_ID_URI,
    iat: nowSeconds(),
    exp: nowSeconds() + 600,
    oid: "00000000-0000-0000-0000-0000000000a1",
    tid: TENANT_ID,
    azp: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    name: "Ada Lovelace",
    preferred_username: "ada@contoso.example",
    scp: "user_impersonation",
    ...overrides,
  };
}

/** The caller the server derives from `delegatedClaims()`: what whoami and the auth layer must report. */
export const DELEGATED_CALLER = {
  kind: "entra",
  id: "00000000-0000-0000-0000-0000000000a1",
  objectId: "00000000-0000-0000-0000-0000000000a1",
  name: "Ada Lovelace",
  upn: "ada@contoso.example",
  tenantId: TENANT_ID,
  appId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
  scopes: ["user_impersonation"],
  roles: [],
} as const;

/** Signs `claims` as-is (undefined members dropped) with an RS256 key unless told otherwise. */
export async function signToken(
  claims: JWTPayload,
  key: { kid?: string; privateKey: CryptoKey | Uint8Array },
  alg = "RS256",
): Promise<string> {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid, typ: "JWT" }).sign(key.privateKey);
}
