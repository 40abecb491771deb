import type { Request } from "express";
import { MCP_PATH, PRM_PATH } from "../contract";

/** Where the Protected Resource Metadata (RFC 9728) is served, and the Streamable HTTP endpoint (the contract's). */
export { MCP_PATH, PRM_PATH };
/** The legacy HTTP+SSE endpoint's stream. */
export const SSE_PATH = "/sse";

/** A protected resource: Streamable HTTP at /mcp, or legacy HTTP+SSE at /sse (whose POSTs go to /messages). */
export type ProtectedResourcePath = typeof MCP_PATH | typeof SSE_PATH;

/**
 * The protected resource a request belongs to. Each has its own metadata document whose `resource` is that
 * endpoint: OAuth clients (the TypeScript and Python SDKs) refuse a document naming another resource.
 */
export function protectedResourceOf(req: Request): ProtectedResourcePath {
  const path = req.baseUrl || req.path;
  return path === SSE_PATH || path === "/messages" ? SSE_PATH : MCP_PATH;
}

/**
 * The server's public base URL without a trailing slash: MCP_PUBLIC_URL when given, else the request's
 * protocol and Host. Behind a TLS-terminating proxy (Container Apps ingress) `req.protocol` is `https` only
 * when express trusts the proxy (`app.set("trust proxy", ...)`), so production should set MCP_PUBLIC_URL.
 */
export function publicBaseUrl(req: Request, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, "");
  return `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** The PRM URL a 401 points to: RFC 9728's path-suffixed form for the resource the request belongs to. */
export function resourceMetadataUrl(req: Request, publicUrl: string | undefined): string {
  return `${publicBaseUrl(req, publicUrl)}${PRM_PATH}${protectedResourceOf(req)}`;
}
