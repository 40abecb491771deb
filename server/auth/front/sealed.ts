import { hkdfSync } from "node:crypto";
import { EncryptJWT, jwtDecrypt, type JWTPayload } from "jose";

/**
 * What the front hands out and later gets back, each kind under its own key: a value sealed as one kind is
 * not even decryptable as another (a code cannot pass for a refresh token or an access token).
 */
export type SealedKind = "client" | "consent" | "entra-state" | "code" | "refresh" | "access";

/** Seals and opens the front's artefacts; replicas sharing MCP_OAUTH_FRONT_KEY open each other's. */
export interface Sealer {
  /** `ttlSeconds` undefined: no expiry (registered clients). */
  seal(kind: SealedKind, claims: JWTPayload, ttlSeconds?: number): Promise<string>;
  /** The claims, or undefined when the value is not one this front sealed as `kind`, or has expired. */
  open<T extends object>(kind: SealedKind, value: string): Promise<T | undefined>;
}

const SALT = "cdktf-azure-mcp oauth front v1";
/** Compact JWE: five base64url parts; Entra's access tokens are three-part JWS. */
const COMPACT_JWE = /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/;

/** Whether `value` has the shape of a compact JWE, as everything the front seals has. */
export function looksSealed(value: string): boolean {
  return COMPACT_JWE.test(value);
}

/**
 * JWE `dir` + `A256GCM` (authenticated encryption: tampering fails the GCM tag, so sealing both signs and
 * encrypts) with a key per kind derived from MCP_OAUTH_FRONT_KEY by HKDF-SHA256. jose does the JOSE work.
 */
export function createSealer(secret: Uint8Array, issuer: string): Sealer {
  const keys = new Map<SealedKind, Uint8Array>();
  const keyFor = (kind: SealedKind): Uint8Array => {
    let key = keys.get(kind);
    if (key === undefined) {
      key = new Uint8Array(hkdfSync("sha256", secret, SALT, `${issuer}\0${kind}`, 32));
      keys.set(kind, key);
    }
    return key;
  };
  return {
    async seal(kind, claims, ttlSeconds) {
      const jwt = new EncryptJWT(claims)
        .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: kind })
        .setIssuer(issuer)
        .setIssuedAt();
      if (ttlSeconds !== undefined) jwt.setExpirationTime(`${ttlSeconds}s`);
      return jwt.encrypt(keyFor(kind));
    },
    async open<T extends object>(kind: SealedKind, value: string) {
      if (!looksSealed(value)) return undefined;
      try {
        const { payload, protectedHeader } = await jwtDecrypt(value, keyFor(kind), {
          issuer,
          keyManagementAlgorithms: ["dir"],
          contentEncryptionAlgorithms: ["A256GCM"],
        });
        return protectedHeader.typ === kind ? (payload as unknown as T) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
