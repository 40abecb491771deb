import type { Request } from "express";
import type { CallerIdentity } from "./types";

/** The outcome of authenticating one request. `reason` is for logs and never holds a credential. */
export type Authentication =
  | {
      /** The credential verified: the request goes on as `caller`. */
      readonly ok: true;
      /** Who the caller is (oid or key label, name, scopes, roles). */
      readonly caller: CallerIdentity;
      /** The client application the token was issued to (else the caller's id), or the API key's label. */
      readonly clientId: string;
      /** When the credential stops being valid, in seconds since the epoch; absent for API keys. */
      readonly expiresAt?: number;
    }
  | {
      /** The request is refused with the answer below. */
      readonly ok: false;
      /** 401 no or bad credential, 403 valid but not allowed, 503 the keys to check it could not be fetched. */
      readonly status: 401 | 403 | 503;
      /** The JSON-RPC error code of the answer's body (`JsonRpcCode`). */
      readonly code: number;
      /** The error message the caller sees: says what is wrong, never echoes the credential. */
      readonly message: string;
      /** The `WWW-Authenticate` value to send (RFC 6750 / RFC 9728), where the status calls for one. */
      readonly challenge?: string;
      /** Why, for the log line only (never sent, never the credential). */
      readonly reason: string;
      /** False when the request presented no credential at all (a client discovering how to sign in). */
      readonly presented: boolean;
    };

/** Decides who sent a request, or why it is refused; one per auth mode. */
export type Authenticator = (req: Request) => Promise<Authentication>;

// RFC 6750 §2.3 allows access_token in the URI; we refuse it (and API-key look-alikes) because URLs end up
// in proxy logs, browser history and Referer headers.
const QUERY_CREDENTIALS = ["access_token", "token", "api_key", "api-key", "apikey"];

/** The name of a credential-looking query parameter on the request, if any. */
function queryCredential(req: Request): string | undefined {
  const params = new URL(req.originalUrl, "http://localhost").searchParams;
  return QUERY_CREDENTIALS.find((name) => params.has(name));
}

/** Where a credential can sit besides the URL. */
export type CredentialHeader = "api-key" | "x-api-key" | "authorization";

/** The credential a request presents: a query parameter (always refused) or the first header in the list. */
export type PresentedCredential =
  | {
      /** In the URL's query: always refused, whatever its value. */
      readonly in: "query";
      /** The query parameter's name (never its value). */
      readonly name: string;
    }
  | {
      /** In a request header. */
      readonly in: "header";
      /** The header that carried it: the first of the authenticator's list that is present. */
      readonly name: CredentialHeader;
      /** The header's value (for Authorization: the bearer token), undefined when malformed. */
      readonly value: string | undefined;
    };

/**
 * The one reader of credentials, so every authenticator (and so the failed-auth throttle, which counts
 * their verdicts) reads the same thing in the same order: a credential-looking query parameter first, then
 * the `headers` in the order given. An Authorization header counts only with the Bearer scheme.
 */
export function presentedCredential(
  req: Request,
  headers: readonly CredentialHeader[],
): PresentedCredential | undefined {
  const inQuery = queryCredential(req);
  if (inQuery !== undefined) return { in: "query", name: inQuery };
  for (const name of headers) {
    if (name === "authorization") {
      const bearer = readBearer(req);
      if (bearer.sent) return { in: "header", name, value: bearer.token };
      continue;
    }
    const value = req.get(name);
    if (value !== undefined) return { in: "header", name, value };
  }
  return undefined;
}

/** `sent` when an `Authorization: Bearer` header is present; `token` when it also carries a value. */
function readBearer(req: Request): { readonly sent: boolean; readonly token?: string } {
  const header = req.get("authorization");
  if (header === undefined || !/^bearer(\s|$)/i.test(header)) return { sent: false };
  const match = /^bearer +(\S+) *$/i.exec(header);
  return { sent: true, token: match?.[1] };
}
