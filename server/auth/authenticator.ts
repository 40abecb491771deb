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
    };

export type Authenticator = (req: Request) => Promise<Authentication>;

// RFC 6750 §2.3 allows access_token in the URI; we refuse it (and API-key look-alikes) because URLs end up
// in proxy logs, browser history and Referer headers.
const QUERY_CREDENTIALS = ["access_token", "token", "api_key", "api-key", "apikey"];

/** The name of a credential-looking query parameter on the request, if any. */
export function queryCredential(req: Request): string | undefined {
  const params = new URL(req.originalUrl, "http://localhost").searchParams;
  return QUERY_CREDENTIALS.find((name) => params.has(name));
}

/** `sent` when an `Authorization: Bearer` header is present; `token` when it also carries a value. */
export function readBearer(req: Request): { readonly sent: boolean; readonly token?: string } {
  const header = req.get("authorization");
  if (header === undefined || !/^bearer(\s|$)/i.test(header)) return { sent: false };
  const match = /^bearer +(\S+) *$/i.exec(header);
  return { sent: true, token: match?.[1] };
}
