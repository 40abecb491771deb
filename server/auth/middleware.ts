import type { RequestHandler } from "express";
import type { AuthInfo } from "@modelcontextprotocol/server";
import "../http/request-auth";
import { JsonRpcCode } from "../http/json-rpc-error";
import { createApiKeyAuthenticator } from "./api-key-authenticator";
import type { Authenticator } from "./authenticator";
import { sendAuthError } from "./challenge";
import type { FailedAuthThrottle } from "./failed-auth-throttle";
import type { AuthConfig } from "./config";
import { createEntraAuthenticator } from "./entra-authenticator";
import { createJwksCache, type JwksCacheOptions } from "./jwks-cache";
import type { CallerIdentity } from "./types";
import type { VerifiedTokenCacheOptions } from "./verified-token-cache";

/** The part of a pino logger the auth layer uses. */
export interface AuthLogger {
  /** Every authenticated request: too frequent for info. */
  debug(obj: object, msg: string): void;
  /** Every refused request (with its reason, never the credential); Entra refusing a refresh. */
  info(obj: object, msg: string): void;
  /** What may be an attack or an outage: replayed codes, key fetch failures, Entra refusing a sign-in. */
  warn(obj: object, msg: string): void;
}

/** A dependency check for `/readyz`. */
export interface ReadinessCheck {
  /** The check's name in the /readyz answer. */
  readonly name: string;
  /** True when the dependency can serve; false makes /readyz answer 503. */
  check(): boolean | Promise<boolean>;
}

/** What `createAuthMiddleware` needs besides the auth settings. */
export interface AuthMiddlewareOptions {
  /** MCP_PUBLIC_URL. @default - derived from each request's protocol and Host */
  readonly publicUrl?: string;
  /** Where refusals are logged (never the credential). @default - not logged */
  readonly logger?: AuthLogger;
  /** JWKS caching knobs (entra mode); tests inject a clock. @default - see JwksCacheOptions */
  readonly jwks?: JwksCacheOptions;
  /** Cache of verified tokens (entra mode). @default - see VerifiedTokenCacheOptions */
  readonly verifiedTokens?: VerifiedTokenCacheOptions;
  /** Counts credentials that failed to verify per client address (MCP_AUTH_FAILURES_PER_MINUTE). @default - off */
  readonly failedAuthThrottle?: FailedAuthThrottle;
}

/** An express handler that authenticates, plus the readiness check of what it depends on. */
export type AuthMiddleware = RequestHandler & {
  /** For /readyz: whether the auth mode can verify credentials now (entra: the signing keys are fetchable). */
  readonly readiness: ReadinessCheck;
};

/**
 * Authenticates every request it sees. On success sets `req.auth` (the SDK's AuthInfo, which the SDK hands
 * to tool handlers as `extra.authInfo`) with the caller in `extra.caller`; otherwise answers 401/403/503
 * with a JSON-RPC shaped body. `req.auth.token` is always "": the server never forwards the caller's token
 * (no on-behalf-of flow), and leaving it out means no tool, log line or error can leak it.
 */
export function createAuthMiddleware(auth: AuthConfig, options: AuthMiddlewareOptions = {}): AuthMiddleware {
  const { logger } = options;
  let authenticate: Authenticator;
  let readiness: ReadinessCheck;
  switch (auth.mode) {
    case "entra": {
      const jwks = createJwksCache(auth.jwksUri, {
        onFetchError: (error) =>
          logger?.warn({ err: describe(error), jwksUri: auth.jwksUri }, "JWKS fetch failed"),
        ...options.jwks,
      });
      authenticate = createEntraAuthenticator(auth, jwks, options.publicUrl, options.verifiedTokens);
      readiness = { name: "jwks", check: () => jwks.hasKeys() || jwks.warmUp() };
      break;
    }
    case "apikey":
      authenticate = createApiKeyAuthenticator(auth.apiKeys);
      readiness = { name: "auth", check: () => true };
      break;
    case "none":
      authenticate = async (req) => ({
        ok: true,
        caller: anonymousCaller(req.ip ?? req.socket.remoteAddress),
        clientId: "anonymous",
      });
      readiness = { name: "auth", check: () => true };
      break;
  }

  const handler: RequestHandler = async (req, res, next) => {
    const result = await authenticate(req);
    if (!result.ok) {
      // Only a credential that failed to verify counts: not a request without one (a client discovering
      // how to sign in), not a verified token lacking a scope (403), not an outage of the keys (503).
      const refusal =
        result.status === 401 && result.presented ? options.failedAuthThrottle?.failed(req) : undefined;
      logger?.info(
        {
          authMode: auth.mode,
          status: refusal === undefined ? result.status : 429,
          reason: result.reason,
          path: req.baseUrl + req.path,
        },
        "request not authenticated",
      );
      if (refusal !== undefined) {
        sendAuthError(
          res,
          429,
          JsonRpcCode.ServerError,
          refusal.message,
          result.challenge,
          refusal.retryAfterSeconds,
        );
        return;
      }
      sendAuthError(res, result.status, result.code, result.message, result.challenge);
      return;
    }
    const authInfo: AuthInfo = {
      token: "",
      clientId: result.clientId,
      scopes: [...result.caller.scopes],
      expiresAt: result.expiresAt,
      extra: { caller: result.caller },
    };
    req.auth = authInfo;
    logger?.debug(
      { authMode: auth.mode, callerId: result.caller.id, callerKind: result.caller.kind },
      "request authenticated",
    );
    next();
  };
  return Object.assign(handler, { readiness });
}

/** The caller recorded on `req.auth.extra.caller`, or undefined before/without the auth middleware. */
export function callerOf(authInfo: AuthInfo | undefined): CallerIdentity | undefined {
  const caller = authInfo?.extra?.caller;
  return typeof caller === "object" && caller !== null && "kind" in caller
    ? (caller as CallerIdentity)
    : undefined;
}

/** The caller of AUTH_MODE=none, named by its address; "unknown" for a client gone before it was read. */
export function anonymousCaller(address: string | undefined): CallerIdentity {
  return { kind: "anonymous", id: address ?? "unknown", scopes: [], roles: [] };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
