import type { Request } from "express";

export const PRM_PATH = "/.well-known/oauth-protected-resource";
export const MCP_PATH = "/mcp";

/**
 * The server's public base URL without a trailing slash: MCP_PUBLIC_URL when given, else the request's
 * protocol and Host. Behind a TLS-terminating proxy (Container Apps ingress) `req.protocol` is `https` only
 * when express trusts the proxy (`app.set("trust proxy", ...)`), so production should set MCP_PUBLIC_URL.
 */
export function publicBaseUrl(req: Request, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, "");
  return `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** The PRM URL a 401 points to (RFC 9728 path-suffixed form for the `/mcp` resource). */
export function resourceMetadataUrl(req: Request, publicUrl: string | undefined): string {
  return `${publicBaseUrl(req, publicUrl)}${PRM_PATH}${MCP_PATH}`;
}
