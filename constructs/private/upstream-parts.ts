import { Token } from "cdktf";
import type {
  ContainerAppSecret,
  ContainerAppTemplateContainer,
  ContainerAppTemplateContainerEnv,
} from "@cdktf/provider-azurerm/lib/container-app";
import { IConstruct } from "constructs";
import type { KeyVaultSecretReference } from "../mcp-container-app";
import type { McpUpstreamProps } from "../mcp-upstream";
import type { IServerImage } from "../server-image";
import { ValidationError } from "../validation-error";
import { MCP_PATH, UPSTREAM_CHILD_ENV_PREFIX } from "../../server/contract";
import { checkConsumptionResources, checkIntegerInRange, checkKeyVaultReference } from "./checks";
import { checkImageReference } from "./container-app-checks";
import { renderProbes, resolveProbes } from "./probes";
import { renamedProp } from "./renamed-prop";
import { looksSecret } from "./secret-names";
import { serverVariable } from "./server-variables";

/** What the upstream adds to the app: variables of the front, secrets, and (HTTP) a second container. */
export interface UpstreamParts {
  readonly frontEnv: ContainerAppTemplateContainerEnv[];
  readonly secrets: ContainerAppSecret[];
  readonly container?: ContainerAppTemplateContainer;
}

/** Where the front runs: the upstream must not take its port, and both containers share 4 vCPUs. */
export interface UpstreamFront {
  readonly port: number;
  readonly cpu: number;
  /** The front's own secrets, whose names the upstream's must not take. */
  readonly secrets: Readonly<Record<string, KeyVaultSecretReference>>;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The Container App secret an upstream variable is read from. */
const secretNameOf = (variable: string): string => `upstream-${variable.toLowerCase().replace(/_/g, "-")}`;

/** The upstream props with the deprecated `secrets` taken as `secretEnvironmentVariables`. */
export function resolveUpstreamProps(scope: IConstruct, props: McpUpstreamProps): McpUpstreamProps {
  return {
    ...props,
    secrets: undefined,
    secretEnvironmentVariables: renamedProp(
      scope,
      "upstream.secretEnvironmentVariables",
      props.secretEnvironmentVariables,
      "upstream.secrets",
      props.secrets,
    ),
  };
}

/** Every check of the upstream props (resolved by `resolveUpstreamProps`); messages name the `upstream.` field. */
export function checkUpstreamProps(scope: IConstruct, props: McpUpstreamProps, front: UpstreamFront): void {
  checkUpstreamKind(scope, props, front.port);
  checkIntegerInRange(scope, "upstream.timeoutSeconds", props.timeoutSeconds, 1, 3600);
  checkIntegerInRange(scope, "upstream.maxChildren", props.maxChildren, 1, 1000);
  checkIntegerInRange(scope, "upstream.idleSeconds", props.idleSeconds, 1, 86_400);
  checkUpstreamVariables(scope, props, front);
  checkUpstreamResources(scope, props, front.cpu);
  if (props.port !== undefined) resolveProbes(scope, props, "upstream.");
  if (props.image) checkImageReference(scope, props.image.imageReference, "upstream.image");
}

function checkUpstreamKind(scope: IConstruct, props: McpUpstreamProps, frontPort: number): void {
  const http = props.port !== undefined;
  if (http === (props.command !== undefined)) {
    throw new ValidationError(
      `upstream needs exactly one of port (a Streamable HTTP server in its own container) or command (a stdio ` +
        `server) (got ${http ? "both" : "neither"})`,
      scope,
    );
  }
  if (http && props.image === undefined) {
    throw new ValidationError(
      `upstream.image is required with upstream.port: the container that serves port ${props.port}`,
      scope,
    );
  }
  if (!http && props.image !== undefined) {
    throw new ValidationError(
      `upstream.image is not used with upstream.command: a stdio server runs inside the front's container; ` +
        `build the front's image FROM the bundled server with the server installed (docs/front-mode.md)`,
      scope,
    );
  }
  checkIntegerInRange(scope, "upstream.port", props.port, 1, 65535);
  if (http && !Token.isUnresolved(props.port) && !Token.isUnresolved(frontPort) && props.port === frontPort) {
    throw new ValidationError(
      `upstream.port must differ from targetPort, where the front listens (both are ${frontPort})`,
      scope,
    );
  }
  if (props.path !== undefined && !props.path.startsWith("/")) {
    throw new ValidationError(`upstream.path must start with '/' (got '${props.path}')`, scope);
  }
  if (
    props.command !== undefined &&
    (props.command.length === 0 || props.command.some((part) => part === ""))
  ) {
    throw new ValidationError(
      `upstream.command must be a non-empty list of non-empty strings (got ${JSON.stringify(props.command)})`,
      scope,
    );
  }
}

function checkUpstreamVariables(scope: IConstruct, props: McpUpstreamProps, front: UpstreamFront): void {
  for (const name of Object.keys(props.environmentVariables ?? {})) {
    if (looksSecret(name)) {
      throw new ValidationError(
        `upstream.environmentVariables.${name} looks like a credential; pass it in upstream.secretEnvironmentVariables from Key Vault`,
        scope,
      );
    }
  }
  for (const [name, secret] of Object.entries(props.secretEnvironmentVariables ?? {})) {
    if (!VARIABLE_NAME.test(name)) {
      throw new ValidationError(
        `upstream.secretEnvironmentVariables.${name}: the key is an environment variable name (letters, digits, '_')`,
        scope,
      );
    }
    checkKeyVaultReference(scope, `upstream.secretEnvironmentVariables.${name}`, secret);
    const secretName = secretNameOf(name);
    if (secretName in front.secrets) {
      throw new ValidationError(
        `secrets.${secretName}: the name is taken by upstream.secretEnvironmentVariables; rename it`,
        scope,
      );
    }
  }
}

function checkUpstreamResources(scope: IConstruct, props: McpUpstreamProps, frontCpu: number): void {
  if (props.port !== undefined) {
    const cpu = props.cpu ?? 0.5;
    checkConsumptionResources(scope, cpu, props.memory ?? "1Gi", "upstream.");
    if (!Token.isUnresolved(cpu) && !Token.isUnresolved(frontCpu) && cpu + frontCpu > 4) {
      throw new ValidationError(
        `cpu + upstream.cpu must be at most 4 vCPUs per app (got ${frontCpu} + ${cpu})`,
        scope,
      );
    }
  } else if (props.cpu !== undefined || props.memory !== undefined) {
    throw new ValidationError(
      `upstream.cpu and upstream.memory apply to an upstream container (port); a stdio upstream shares cpu and memory`,
      scope,
    );
  }
}

/**
 * What the app gains from a checked upstream (`checkUpstreamProps`). `identityId` reads the Key Vault
 * secrets; secret names are `upstream-<variable>`.
 */
export function upstreamParts(scope: IConstruct, props: McpUpstreamProps, identityId: string): UpstreamParts {
  const secrets = Object.entries(props.secretEnvironmentVariables ?? {}).map(([variable, secret]) => ({
    name: secretNameOf(variable),
    keyVaultSecretId: secret.keyVaultSecretId,
    identity: identityId,
  }));
  const plainEnv = Object.entries(props.environmentVariables ?? {});
  const secretEnv = Object.keys(props.secretEnvironmentVariables ?? {});
  const timeout = serverVariable("MCP_UPSTREAM_TIMEOUT_SECONDS", String(props.timeoutSeconds ?? 60));

  if (props.command !== undefined) {
    return {
      secrets,
      frontEnv: [
        serverVariable("MCP_UPSTREAM_COMMAND", JSON.stringify(props.command)),
        timeout,
        serverVariable("MCP_UPSTREAM_MAX_CHILDREN", String(props.maxChildren ?? 20)),
        serverVariable("MCP_UPSTREAM_IDLE_SECONDS", String(props.idleSeconds ?? 300)),
        ...plainEnv.map(([name, value]) => ({ name: `${UPSTREAM_CHILD_ENV_PREFIX}${name}`, value })),
        ...secretEnv.map((name) => ({
          name: `${UPSTREAM_CHILD_ENV_PREFIX}${name}`,
          secretName: secretNameOf(name),
        })),
      ],
    };
  }
  const port = props.port as number;
  const image = props.image as IServerImage;
  return {
    secrets,
    frontEnv: [
      serverVariable("MCP_UPSTREAM_URL", `http://localhost:${port}${props.path ?? MCP_PATH}`),
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
        ...secretEnv.map((name) => ({ name, secretName: secretNameOf(name) })),
      ],
      // A third-party server may have no health path: TCP unless a path is given.
      ...renderProbes(resolveProbes(scope, props, "upstream."), port, {
        liveness: props.livenessProbe?.path,
        readiness: props.readinessProbe?.path,
        startup: props.startupProbe?.path,
      }),
    },
  };
}
