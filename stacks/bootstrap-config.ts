import { createHash } from "node:crypto";
import { environments } from "./environments";
import { McpBootstrapStackProps, PLACEHOLDER_GITHUB_REPOSITORY } from "./bootstrap-stack";

export { PLACEHOLDER_GITHUB_REPOSITORY };

/**
 * The checked-in bootstrap configuration. The repository comes from `GITHUB_REPOSITORY` (set by GitHub
 * Actions; export it on a laptop before `cdktf deploy mcp-bootstrap`), the GitHub environments from the
 * hosting environments in `environments.ts`.
 */
export function bootstrapConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): McpBootstrapStackProps {
  const githubRepository = env.GITHUB_REPOSITORY || PLACEHOLDER_GITHUB_REPOSITORY;
  const prefix = "mcp";
  return {
    githubRepository,
    githubEnvironments: environments.map((environment) => environment.name),
    location: "swedencentral",
    prefix,
    // Storage account names are global: a short hash of the repository keeps two forks apart.
    storageAccountName: `st${prefix}tfstate${createHash("sha256").update(githubRepository.toLowerCase()).digest("hex").slice(0, 8)}`,
    applicationReadWriteOwnedByEnabled: env.MCP_BOOTSTRAP_GRANT_GRAPH === "true",
    tags: { project: "cdktf-azure-mcp", purpose: "ci-bootstrap" },
  };
}
