import { ConfigError } from "../config-error";

type Env = Readonly<Record<string, string | undefined>>;

/** Authentication settings, parsed from AUTH_MODE and its companion variables. */
export type AuthConfig =
  | { readonly mode: "none"; readonly allowUnauthenticated: boolean }
  | {
      readonly mode: "entra";
      readonly tenantId: string;
      readonly audiences: readonly string[];
      readonly requiredScopes: readonly string[];
      readonly requiredRoles: readonly string[];
      readonly issuers: readonly string[];
      readonly jwksUri: string;
    }
  | {
      readonly mode: "apikey";
      readonly apiKeys: readonly { readonly label: string; readonly key: string }[];
    };

/**
 * Parses the auth variables. The auth issue fills in `entra` and `apikey`; until then only `none` is
 * accepted, and asking for another mode fails at startup rather than silently running open.
 */
export function parseAuthConfig(env: Env): AuthConfig {
  const mode = env.AUTH_MODE ?? "none";
  if (mode !== "none") {
    throw new ConfigError("AUTH_MODE", mode, "this build supports only 'none'");
  }
  const allow = env.MCP_ALLOW_UNAUTHENTICATED ?? "false";
  if (allow !== "true" && allow !== "false") {
    throw new ConfigError("MCP_ALLOW_UNAUTHENTICATED", allow, "expected 'true' or 'false'");
  }
  return { mode: "none", allowUnauthenticated: allow === "true" };
}
