import { Token } from "cdktf";
import type {
  ContainerAppSecret,
  ContainerAppTemplateContainer,
  ContainerAppTemplateContainerEnv,
} from "@cdktf/provider-azurerm/lib/container-app";
import type { HealthProbe } from "../health-probe";
import type { McpUpstreamProps } from "../mcp-upstream";
import type { IServerImage } from "../server-image";
import { PROBE_DEFAULTS, resolveProbe } from "./probes";
import { checkResources, type Fail } from "./resources";
import { looksSecret } from "./secret-names";
import { MCP_PATH, UPSTREAM_CHILD_ENV_PREFIX } from "../../server/contract";

/** What the upstream adds to the app: variables of the front, secrets, and (HTTP) a second container. */
export interface UpstreamParts {
  readonly frontEnv: ContainerAppTemplateContainerEnv[];
  readonly secrets: ContainerAppSecret[];
  readonly container?: ContainerAppTemplateContainer;
}

function integerIn(value: number | undefined, field: string, min: number, max: number, fail: Fail): void {
  if (
    value !== undefined &&
    !Token.isUnresolved(value) &&
    (!Number.isInteger(value) || value < min || value > max)
  ) {
    fail(`upstream.${field} must be an integer from ${min} to ${max} (got ${value})`);
  }
}

function validate(props: McpUpstreamProps, frontPort: number, frontCpu: number, fail: Fail): void {
  const http = props.port !== undefined;
  if (http === (props.command !== undefined)) {
    fail(
      `upstream needs exactly one of port (a Streamable HTTP server in its own container) or command (a stdio ` +
        `server) (got ${http ? "both" : "neither"})`,
    );
  }
  if (http && props.image === undefined) {
    fail(`upstream.image is required with upstream.port: the container that serves port ${props.port}`);
  }
  if (!http && props.image !== undefined) {
    fail(
      `upstream.image is not used with upstream.command: a stdio server runs inside the front's container; ` +
        `build the front's image FROM the bundled server with the server installed (docs/front-mode.md)`,
    );
  }
  integerIn(props.port, "port", 1, 65535, fail);
  if (http && !Token.isUnresolved(props.port) && !Token.isUnresolved(frontPort) && props.port === frontPort) {
    fail(`upstream.port must differ from targetPort, where the front listens (both are ${frontPort})`);
  }
  if (props.path !== undefined && !props.path.startsWith("/")) {
    fail(`upstream.path must start with '/' (got '${props.path}')`);
  }
  if (
    props.command !== undefined &&
    (props.command.length === 0 || props.command.some((part) => part === ""))
  ) {
    fail(
      `upstream.command must be a non-empty list of non-empty strings (got ${JSON.stringify(props.command)})`,
    );
  }
  integerIn(props.timeoutSeconds, "timeoutSeconds", 1, 3600, fail);
  integerIn(props.maxChildren, "maxChildren", 1, 1000, fail);
  integerIn(props.idleSeconds, "idleSeconds", 1, 86_400, fail);
  for (const name of Object.keys(props.environmentVariables ?? {})) {
    if (looksSecret(name)) {
      fail(
        `upstream.environmentVariables.${name} looks like a credential; pass it in upstream.secrets from Key Vault`,
      );
    }
  }
  for (const [name, secret] of Object.entries(props.secrets ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      fail(`upstream.secrets.${name}: the key is an environment variable name (letters, digits, '_')`);
    }
    if (typeof secret !== "object" || secret === null || "value" in secret || !secret.keyVaultSecretId) {
      fail(
        `upstream.secrets.${name} must be a Key Vault reference ({ keyVaultSecretId }); plain secret values are refused`,
      );
    }
  }
  if (http) {
    const cpu = props.cpu ?? 0.5;
    checkResources(cpu, props.memory ?? "1Gi", fail, "upstream.");
    if (!Token.isUnresolved(cpu) && !Token.isUnresolved(frontCpu) && cpu + frontCpu > 4) {
      fail(`cpu + upstream.cpu must be at most 4 vCPUs per app (got ${frontCpu} + ${cpu})`);
    }
  } else if (props.cpu !== undefined || props.memory !== undefined) {
    fail(
      `upstream.cpu and upstream.memory apply to an upstream container (port); a stdio upstream shares cpu and memory`,
    );
  }
}

function tcpProbe(
  kind: "liveness" | "readiness" | "startup",
  port: number,
  given: HealthProbe | undefined,
  fail: Fail,
) {
  const { probe, problems } = resolveProbe(`upstream.${kind}Probe`, PROBE_DEFAULTS[kind], given);
  if (problems.length > 0) fail(problems.join("; "));
  return [
    {
      // A third-party server may have no health path: TCP unless a path is given.
      transport: given?.path === undefined ? "TCP" : "HTTP",
      port,
      path: given?.path,
      intervalSeconds: probe.intervalSeconds,
      timeout: probe.timeoutSeconds,
      failureCountThreshold: probe.failureCountThreshold,
      initialDelay: probe.initialDelaySeconds,
    },
  ];
}

/**
 * Validates the upstream props (messages name the `upstream.` field) and builds what the app gains.
 * `identityId` reads the Key Vault secrets; secret names are `upstream-<variable>`.
 */
export function upstreamParts(
  props: McpUpstreamProps,
  front: { readonly port: number; readonly cpu: number; readonly identityId: string },
  fail: Fail,
): UpstreamParts {
  validate(props, front.port, front.cpu, fail);
  const secretName = (variable: string): string => `upstream-${variable.toLowerCase().replace(/_/g, "-")}`;
  const secrets = Object.entries(props.secrets ?? {}).map(([variable, secret]) => ({
    name: secretName(variable),
    keyVaultSecretId: secret.keyVaultSecretId,
    identity: front.identityId,
  }));
  const plainEnv = Object.entries(props.environmentVariables ?? {});
  const secretEnv = Object.keys(props.secrets ?? {});
  const timeout = { name: "MCP_UPSTREAM_TIMEOUT_SECONDS", value: String(props.timeoutSeconds ?? 60) };

  if (props.command !== undefined) {
    return {
      secrets,
      frontEnv: [
        { name: "MCP_UPSTREAM_COMMAND", value: JSON.stringify(props.command) },
        timeout,
        { name: "MCP_UPSTREAM_MAX_CHILDREN", value: String(props.maxChildren ?? 20) },
        { name: "MCP_UPSTREAM_IDLE_SECONDS", value: String(props.idleSeconds ?? 300) },
        ...plainEnv.map(([name, value]) => ({ name: `${UPSTREAM_CHILD_ENV_PREFIX}${name}`, value })),
        ...secretEnv.map((name) => ({
          name: `${UPSTREAM_CHILD_ENV_PREFIX}${name}`,
          secretName: secretName(name),
        })),
      ],
    };
  }
  const port = props.port as number;
  const image = props.image as IServerImage;
  return {
    secrets,
    frontEnv: [
      { name: "MCP_UPSTREAM_URL", value: `http://localhost:${port}${props.path ?? MCP_PATH}` },
      timeout,
    ],
    container: {
      name: "mcp-upstream",
      image: image.imageReference,
      cpu: props.cpu ?? 0.5,
      memory: props.memory ?? "1Gi",
      env: [
        { name: "PORT", value: String(port) },
        { name: "HOST", value: "127.0.0.1" },
        ...plainEnv.map(([name, value]) => ({ name, value })),
        ...secretEnv.map((name) => ({ name, secretName: secretName(name) })),
      ],
      livenessProbe: tcpProbe("liveness", port, props.livenessProbe, fail),
      readinessProbe: tcpProbe("readiness", port, props.readinessProbe, fail),
      startupProbe: tcpProbe("startup", port, props.startupProbe, fail),
    },
  };
}
