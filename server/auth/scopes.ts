import type { EntraAuthConfig } from "./config";

/**
 * The audience clients request tokens for: the first `api://` identifier URI, else the first other URI,
 * else the client id GUID (Entra also accepts `<client id>/<scope>`).
 */
export function resourceIdentifier(config: EntraAuthConfig): string {
  const uris = config.audiences.filter((a) => a.includes("://"));
  return uris.find((a) => a.startsWith("api://")) ?? uris[0] ?? config.audiences[0];
}

/** Required scopes in the form a client requests them: `api://<app>/user_impersonation`. */
export function fullScopes(config: EntraAuthConfig): string[] {
  const resource = resourceIdentifier(config).replace(/\/+$/, "");
  return config.requiredScopes.map((scope) => `${resource}/${scope}`);
}

/**
 * The authorization servers to advertise: with the authorization front, the server itself; else the
 * configured issuers on the authority (the v2 issuer, which is also where OpenID discovery lives), else the
 * tenant's v2 issuer.
 */
export function authorizationServers(config: EntraAuthConfig): string[] {
  if (config.front !== undefined) return [config.front.issuer];
  const v2 = config.issuers.filter((i) => i.startsWith(`${config.authority}/`));
  return v2.length > 0 ? v2 : [`${config.authority}/${config.tenantId}/v2.0`];
}
