/** One deployable environment, checked into the repository. */
export interface EnvironmentConfig {
  /** Stack name, e.g. `mcp-dev`. */
  readonly stackName: string;
  /** Short environment name used in resource names, e.g. `dev`. */
  readonly name: string;
  /** Azure region; always explicit, never defaulted by a construct. */
  readonly location: string;
  /** Prefix for every resource name. */
  readonly prefix: string;
  readonly tags: Readonly<Record<string, string>>;
}

export const environments: readonly EnvironmentConfig[] = [
  {
    stackName: "mcp-dev",
    name: "dev",
    location: "swedencentral",
    prefix: "mcp",
    tags: { project: "cdktf-azure-mcp", environment: "dev" },
  },
  {
    stackName: "mcp-prod",
    name: "prod",
    location: "westeurope",
    prefix: "mcp",
    tags: { project: "cdktf-azure-mcp", environment: "prod" },
  },
];
