import { Router } from "express";
import type { OAuthProtectedResourceMetadata } from "@modelcontextprotocol/server";
import type { AuthConfig } from "./config";
import { MCP_PATH, PRM_PATH, publicBaseUrl } from "./public-url";
import { authorizationServers, fullScopes } from "./scopes";

const PUBLIC_CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS" };

export interface ProtectedResourceMetadataOptions {
  /** MCP_PUBLIC_URL. @default - derived from each request's protocol and Host */
  readonly publicUrl?: string;
  /** @default "cdktf-azure-mcp" */
  readonly resourceName?: string;
}

/**
 * RFC 9728 Protected Resource Metadata, served without auth at both `/.well-known/oauth-protected-resource`
 * (what older clients and the issue ask for) and `/.well-known/oauth-protected-resource/mcp` (the
 * path-suffixed form for the `/mcp` resource that a 401's resource_metadata points to).
 *
 * Only in entra mode: the document exists to name an OAuth authorization server. With API keys or no auth
 * there is none, so the router is empty and the paths 404, which tells clients not to start an OAuth flow.
 */
export function protectedResourceMetadataRouter(
  auth: AuthConfig,
  options: ProtectedResourceMetadataOptions = {},
): Router {
  const router = Router();
  if (auth.mode !== "entra") return router;
  const servers = authorizationServers(auth);
  const scopes = fullScopes(auth);
  const resourceName = options.resourceName ?? "cdktf-azure-mcp";
  const paths = [PRM_PATH, `${PRM_PATH}${MCP_PATH}`];
  // Public metadata: any origin may read it (browser clients discover auth before they have a token).
  router.options(paths, (_req, res) => {
    res.set(PUBLIC_CORS).set("Access-Control-Allow-Headers", "*").status(204).end();
  });
  router.get(paths, (req, res) => {
    const metadata: OAuthProtectedResourceMetadata = {
      resource: `${publicBaseUrl(req, options.publicUrl)}${MCP_PATH}`,
      authorization_servers: servers,
      scopes_supported: scopes,
      bearer_methods_supported: ["header"],
      resource_name: resourceName,
    };
    res.set(PUBLIC_CORS).set("Cache-Control", "public, max-age=3600").json(metadata);
  });
  return router;
}
