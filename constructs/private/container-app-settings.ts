import { Token } from "cdktf";
import type { KeyVaultSecretReference, McpContainerAppProps, McpSessionMode } from "../mcp-container-app";

/** `McpContainerApp`'s props with every default filled in: the one place the defaults live. */
export interface ContainerAppSettings {
  readonly cpu: number;
  readonly memory: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly concurrentRequests: number;
  readonly targetPort: number;
  readonly sessionMode: McpSessionMode;
  readonly corsAllowedOrigins: readonly string[];
  readonly corsAllowCredentialsEnabled: boolean;
  readonly secrets: Readonly<Record<string, KeyVaultSecretReference>>;
  readonly secretEnvironmentVariables: Readonly<Record<string, string>>;
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly allowedIpAddressRanges: Readonly<Record<string, string>>;
  /** maxReplicas is known to be 1: what stateful sessions and legacy SSE need. */
  readonly singleReplica: boolean;
  readonly legacySseEnabled: boolean;
  readonly oauthFrontEnabled: boolean;
}

/** Fills in the defaults of `props`. */
export function resolveSettings(props: McpContainerAppProps): ContainerAppSettings {
  const maxReplicas = props.maxReplicas ?? 10;
  const singleReplica = !Token.isUnresolved(maxReplicas) && maxReplicas === 1;
  return {
    cpu: props.cpu ?? 0.5,
    memory: props.memory ?? "1Gi",
    minReplicas: props.minReplicas ?? 1,
    maxReplicas,
    concurrentRequests: props.concurrentRequests ?? 50,
    targetPort: props.targetPort ?? 8000,
    sessionMode: props.sessionMode ?? "stateless",
    corsAllowedOrigins: props.corsAllowedOrigins ?? [],
    corsAllowCredentialsEnabled: props.corsAllowCredentialsEnabled ?? false,
    secrets: props.secrets ?? {},
    secretEnvironmentVariables: props.secretEnvironmentVariables ?? {},
    environmentVariables: props.environmentVariables ?? {},
    allowedIpAddressRanges: props.allowedIpAddressRanges ?? {},
    singleReplica,
    legacySseEnabled: props.legacySseEnabled ?? singleReplica,
    oauthFrontEnabled: props.oauthFrontEnabled ?? false,
  };
}
