import { RequestHandler } from "express";
import { LOOPBACK_HOSTNAMES } from "../loopback-hostnames";
import { JsonRpcCode, sendJsonRpcError } from "./json-rpc-error";

function hostAllowed(hostHeader: string | undefined, allowedHosts: readonly string[]): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.toLowerCase();
  const hostname = host.replace(/:\d+$/, "");
  return allowedHosts.some((allowed) => allowed === host || allowed === hostname);
}

/**
 * Loopback page origins are always allowed: a page served from this machine can already reach the server
 * (the MCP Inspector is one). A DNS-rebinding page keeps its attacker origin, which is refused.
 */
function originAllowed(origin: string, allowedOrigins: readonly string[]): boolean {
  if (allowedOrigins.includes(origin.toLowerCase())) return true;
  const url = URL.canParse(origin) ? new URL(origin) : undefined;
  return (
    url !== undefined &&
    (url.protocol === "http:" || url.protocol === "https:") &&
    LOOPBACK_HOSTNAMES.includes(url.hostname)
  );
}

/**
 * A Host outside MCP_ALLOWED_HOSTS gets 403. In front of the MCP routes and the metadata documents, so a URL
 * built from the Host (metadata `resource`, a 401's `resource_metadata`) only ever names an allowed host.
 */
export function requireAllowedHost(allowedHosts: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (hostAllowed(req.headers.host, allowedHosts)) return next();
    sendJsonRpcError(
      res,
      403,
      JsonRpcCode.ServerError,
      `Forbidden: Host '${req.headers.host ?? ""}' is not allowed (MCP_ALLOWED_HOSTS)`,
    );
  };
}

/** DNS-rebinding defence in front of the MCP routes: a foreign Host or Origin gets 403. */
export function dnsRebindingProtection(
  allowedHosts: readonly string[],
  allowedOrigins: readonly string[],
): RequestHandler {
  const hostCheck = requireAllowedHost(allowedHosts);
  const originCheck: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, allowedOrigins)) {
      sendJsonRpcError(
        res,
        403,
        JsonRpcCode.ServerError,
        `Forbidden: Origin '${origin}' is not allowed (MCP_ALLOWED_ORIGINS)`,
      );
      return;
    }
    next();
  };
  return (req, res, next) => hostCheck(req, res, () => originCheck(req, res, next));
}
