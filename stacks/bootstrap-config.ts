import { createHash } from "node:crypto";
import { environments, resourceGroupNameOf } from "./environments";
import { McpBootstrapStackProps, PLACEHOLDER_GITHUB_REPOSITORY } from "./bootstrap-stack";

export { PLACEHOLDER_GITHUB_REPOSITORY };

/**
 * The checked-in bootstrap configuration. The repository comes from `GITHUB_REPOSITORY` (set by GitHub
 * Actions; export it on a laptop before `npm run deploy -- mcp-bootstrap`), the environments from
 * `environments.ts`.
 */
export function bootstrapConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): McpBootstrapStackProps {
  const githubRepository = env.GITHUB_REPOSITORY || PLACEHOLDER_GITHUB_REPOSITORY;
  const prefix = "mcp";
  return {
    githubRepository,
    environments: environments.map((environment) => ({
      name: environment.name,
      stackName: environment.stackName,
      resourceGroupName: resourceGroupNameOf(environment),
      location: environment.location,
      promotesFrom: environment.promotesFrom,
    })),
    location: "swedencentral",
    prefix,
    // Storage account names are global: a short hash of the repository keeps two forks apart.
    storageAccountName: `st${prefix}tfstate${createHash("sha256").update(githubRepository.toLowerCase()).digest("hex").slice(0, 8)}`,
    applicationReadWriteOwnedByEnabled: env.MCP_BOOTSTRAP_GRANT_GRAPH === "true",
    tags: { project: "cdktf-azure-mcp", purpose: "ci-bootstrap" },
  };
}
