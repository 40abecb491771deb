import type { HealthProbe } from "./health-probe";
import type { KeyVaultSecretReference } from "./mcp-container-app";
import type { IServerImage } from "./server-image";

/**
 * The MCP server the bundled server fronts (front mode): auth, metadata, limits, logs and drain stay
 * with the front, the tools come from here. Give exactly one of `port` (a Streamable HTTP server run as
 * a second container of the app, reachable on localhost only) or `command` (a stdio server the front runs,
 * one process per caller, inside the front's own container).
 */
export interface McpUpstreamProps {
  /**
   * The upstream server's image, run as a second container next to the front. Required with `port`;
   * refused with `command` (a stdio server must be inside the front's image: build it FROM the bundled
   * server image, see docs/front-mode.md).
   * @default - none
   */
  readonly image?: IServerImage;
  /**
   * Port the upstream listens on. The construct sets `PORT` and `HOST=127.0.0.1` in its container; ingress
   * only reaches the front's `targetPort`, so callers cannot bypass the front.
   * @default - none: a stdio upstream (`command`)
   */
  readonly port?: number;
  /** Path of the upstream's MCP endpoint. @default "/mcp" */
  readonly path?: string;
  /**
   * Command line of a stdio MCP server (`MCP_UPSTREAM_COMMAND`), e.g. `["mcp-server-fetch"]`; run without
   * a shell, one process per caller.
   * @default - none: an HTTP upstream (`port`)
   */
  readonly command?: readonly string[];
  /**
   * Plain environment variables of the upstream. Names that look like credentials are refused: use
   * `secretEnvironmentVariables`.
   * @default {}
   */
  readonly environmentVariables?: Readonly<Record<string, string>>;
  /**
   * Environment variables of the upstream filled from Key Vault, by variable name, e.g.
   * `{ GITHUB_TOKEN: { keyVaultSecretId } }`. Read with the app identity.
   * @default {}
   */
  readonly secretEnvironmentVariables?: Readonly<Record<string, KeyVaultSecretReference>>;
  /**
   * The former name of `secretEnvironmentVariables`, still accepted for one release (a synth warning names the
   * new one). Renamed because `McpContainerAppProps.secrets` is keyed by secret name, this by variable name.
   * @deprecated use `secretEnvironmentVariables`; giving both with different values is an error.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, KeyVaultSecretReference>>;
  /** vCPUs of the upstream container (`port` only); the app's total must stay within 4. @default 0.5 */
  readonly cpu?: number;
  /** @default "1Gi" */
  readonly memory?: string;
  /** Liveness probe of the upstream container (`port` only). @default - a TCP probe on `port` */
  readonly livenessProbe?: HealthProbe;
  /** @default - a TCP probe on `port` */
  readonly readinessProbe?: HealthProbe;
  /** @default - a TCP probe on `port`, allowing 60 s to start */
  readonly startupProbe?: HealthProbe;
  /** Longest silence on an open upstream request (`MCP_UPSTREAM_TIMEOUT_SECONDS`). @default 60 */
  readonly timeoutSeconds?: number;
  /** stdio: processes per replica (`MCP_UPSTREAM_MAX_CHILDREN`). @default 20 */
  readonly maxChildren?: number;
  /** stdio: an idle process is stopped after this long (`MCP_UPSTREAM_IDLE_SECONDS`). @default 300 */
  readonly idleSeconds?: number;
}
