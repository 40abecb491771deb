import { lookup } from "node:dns/promises";
import { request } from "node:https";
import type { LookupFunction } from "node:net";
import type { OAuthClientInformationFull } from "@modelcontextprotocol/server";
import { refusedAddress } from "./special-addresses";

/** Bounds and trust of a Client ID Metadata Document fetch. */
export interface ClientMetadataFetchOptions {
  /** Loopback hosts are fetched from only when the front's own issuer is loopback (tests). */
  readonly allowLoopback: boolean;
  /** Extra trusted CA certificates, PEM (tests; in a process NODE_EXTRA_CA_CERTS does the same). */
  readonly ca?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
  /** @default 10240 */
  readonly maxBytes?: number;
  /** Documents kept, least recently used evicted first. @default 500 */
  readonly cacheEntries?: number;
  /** @default 300 */
  readonly cacheSeconds?: number;
}

/** A refused client metadata document; the message names what failed, for the client's error_description. */
export class ClientMetadataError extends Error {}

/** Whether `clientId` is the URL form of CIMD (the 2026-07-28 client registration) rather than a DCR id. */
export function isClientMetadataUrl(clientId: string): boolean {
  return clientId.startsWith("https://");
}

/**
 * Fetches Client ID Metadata Documents defensively: https only; the host resolved first and every address
 * checked (no private, link-local or other special-use address; loopback only for a loopback issuer); the
 * connection pinned to the checked address (no second DNS answer to rebind to); no redirects; a time and a
 * size limit; `client_id` in the document equal to the URL; a bounded cache so a client is fetched once per
 * `cacheSeconds`.
 */
export function createClientMetadataFetcher(options: ClientMetadataFetchOptions) {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 10_240;
  const maxEntries = options.cacheEntries ?? 500;
  const cacheMs = (options.cacheSeconds ?? 300) * 1000;
  const cache = new Map<string, { client: OAuthClientInformationFull; until: number }>();
  const pending = new Map<string, Promise<OAuthClientInformationFull>>();

  const remember = (url: string, client: OAuthClientInformationFull) => {
    cache.delete(url);
    cache.set(url, { client, until: Date.now() + cacheMs });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  };

  return async function fetchClient(url: string): Promise<OAuthClientInformationFull> {
    const hit = cache.get(url);
    if (hit !== undefined && hit.until > Date.now()) {
      cache.delete(url);
      cache.set(url, hit);
      return hit.client;
    }
    let inFlight = pending.get(url);
    if (inFlight === undefined) {
      inFlight = load(url).finally(() => pending.delete(url));
      pending.set(url, inFlight);
    }
    const client = await inFlight;
    remember(url, client);
    return client;
  };

  async function load(clientId: string): Promise<OAuthClientInformationFull> {
    const url = checkedUrl(clientId);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const addresses = await lookup(host, { all: true, verbatim: true }).catch(() => {
      throw new ClientMetadataError(`client metadata host ${host} does not resolve`);
    });
    for (const { address } of addresses) {
      const refused = refusedAddress(address, options.allowLoopback);
      if (refused !== undefined) {
        throw new ClientMetadataError(`client metadata host ${host} resolves to ${refused}`);
      }
    }
    const pinned = addresses[0];
    const body = await pinnedGet(url, pinned.address, pinned.family, { ca: options.ca, timeoutMs, maxBytes });
    return parseDocument(clientId, body);
  }
}

/** Limits of one document fetch. */
interface FetchLimits {
  readonly ca?: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/**
 * GET `url` over https from `address` only (the lookup answers with the checked address, so there is no
 * second DNS answer to rebind to): HTTP 200, within the time and size limits, redirects not followed.
 */
function pinnedGet(url: URL, address: string, family: number, limits: FetchLimits): Promise<string> {
  const { ca, timeoutMs, maxBytes } = limits;
  const pinnedLookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json" },
        lookup: pinnedLookup,
        ca,
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new ClientMetadataError(`client metadata document answered HTTP ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new ClientMetadataError(`client metadata document is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", (error) =>
          reject(new ClientMetadataError(`client metadata fetch failed: ${error.message}`)),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error) =>
      reject(new ClientMetadataError(`client metadata fetch failed: ${error.message}`)),
    );
    req.end();
  });
}

function checkedUrl(clientId: string): URL {
  const url = URL.canParse(clientId) ? new URL(clientId) : undefined;
  const problem =
    url === undefined || url.protocol !== "https:"
      ? "must be an https URL"
      : url.username !== "" || url.password !== ""
        ? "must not contain credentials"
        : clientId.includes("#")
          ? "must not contain a fragment"
          : url.pathname === "/" || /\/\.\.?(\/|$)/.test(clientId.replace(/%2e/gi, "."))
            ? "must have a path without dot segments"
            : undefined;
  if (problem !== undefined) throw new ClientMetadataError(`client_id URL ${problem}`);
  return url as URL;
}

function parseDocument(clientId: string, body: string): OAuthClientInformationFull {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new ClientMetadataError("client metadata document is not JSON");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new ClientMetadataError("client metadata document is not a JSON object");
  }
  const fields = doc as Record<string, unknown>;
  if (fields.client_id !== clientId) {
    throw new ClientMetadataError(
      "client metadata document's client_id differs from the URL it was fetched from",
    );
  }
  if ("client_secret" in fields || "client_secret_expires_at" in fields) {
    throw new ClientMetadataError("client metadata document must not carry a client_secret");
  }
  const method = fields.token_endpoint_auth_method ?? "none";
  if (method !== "none") {
    throw new ClientMetadataError(
      `token_endpoint_auth_method '${String(method)}' is not supported; use 'none'`,
    );
  }
  const redirects = fields.redirect_uris;
  if (
    !Array.isArray(redirects) ||
    redirects.length === 0 ||
    !redirects.every((uri) => typeof uri === "string" && URL.canParse(uri))
  ) {
    throw new ClientMetadataError("client metadata document needs redirect_uris, a list of absolute URLs");
  }
  return {
    client_id: clientId,
    redirect_uris: redirects as string[],
    client_name: typeof fields.client_name === "string" ? fields.client_name.slice(0, 200) : undefined,
    client_uri: typeof fields.client_uri === "string" ? fields.client_uri : undefined,
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
  };
}
