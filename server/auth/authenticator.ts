import type { Request } from "express";
import type { CallerIdentity } from "./types";

/** The outcome of authenticating one request. `reason` is for logs and never holds a credential. */
export type Authentication =
  | {
      readonly ok: true;
      readonly caller: CallerIdentity;
      readonly clientId: string;
      readonly expiresAt?: number;
    }
  | {
      readonly ok: false;
      readonly status: 401 | 403 | 503;
      readonly code: number;
      readonly message: string;
      readonly challenge?: string;
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
  | { readonly in: "query"; readonly name: string }
  /** `value` is the header's value (for Authorization: the bearer token), undefined when malformed. */
  | { readonly in: "header"; readonly name: CredentialHeader; readonly value: string | undefined };

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
