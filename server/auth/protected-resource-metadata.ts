import { Router } from "express";
import type { OAuthProtectedResourceMetadata } from "@modelcontextprotocol/server";
import type { AuthConfig } from "./config";
import { MCP_PATH, PRM_PATH, ProtectedResourcePath, publicBaseUrl, SSE_PATH } from "./public-url";
import { authorizationServers, fullScopes } from "./scopes";

const PUBLIC_CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, OPTIONS" };

/** What the metadata documents say besides the auth settings. */
export interface ProtectedResourceMetadataOptions {
  /** MCP_PUBLIC_URL. @default - derived from each request's protocol and Host */
  readonly publicUrl?: string;
  /** @default "cdktf-azure-mcp" */
  readonly resourceName?: string;
  /** Serve `/.well-known/oauth-protected-resource/sse` for the legacy HTTP+SSE endpoint. @default true */
  readonly legacySseEnabled?: boolean;
}

/**
 * RFC 9728 Protected Resource Metadata, served without auth: one document per protected endpoint, at the
 * path-suffixed URL a 401's resource_metadata points to (`/.well-known/oauth-protected-resource/mcp`, and
 * `…/sse` for legacy HTTP+SSE, whose `resource` is `…/sse`), plus `/.well-known/oauth-protected-resource`
 * for the `/mcp` resource (what older clients ask for).
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
  const documents: [string, ProtectedResourcePath][] = [
    [PRM_PATH, MCP_PATH],
    [`${PRM_PATH}${MCP_PATH}`, MCP_PATH],
  ];
  if (options.legacySseEnabled ?? true) documents.push([`${PRM_PATH}${SSE_PATH}`, SSE_PATH]);
  // Public metadata: any origin may read it (browser clients discover auth before they have a token).
  router.options(
    documents.map(([path]) => path),
    (_req, res) => {
      res.set(PUBLIC_CORS).set("Access-Control-Allow-Headers", "*").status(204).end();
    },
  );
  for (const [path, resource] of documents) {
    router.get(path, (req, res) => {
      const metadata: OAuthProtectedResourceMetadata = {
        resource: `${publicBaseUrl(req, options.publicUrl)}${resource}`,
        authorization_servers: servers,
        scopes_supported: scopes,
        bearer_methods_supported: ["header"],
        resource_name: resourceName,
      };
      res.set(PUBLIC_CORS).set("Cache-Control", "public, max-age=3600").json(metadata);
    });
  }
  return router;
}
