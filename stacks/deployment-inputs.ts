import { GUID_PATTERN } from "../constructs/private/stable-ids";

type Env = Readonly<Record<string, string | undefined>>;

/** What a deployment run adds to the checked-in environment config. Read only by main.ts. */
export interface DeploymentInputs {
  /**
   * `MCP_SERVER_IMAGE`: an image the pipeline already built and scanned (`<registry>/<repo>@sha256:...`);
   * the stacks run it instead of building the bundled server.
   */
  readonly serverImage?: string;
  /**
   * `MCP_DEPLOYER_PRINCIPAL_ID`: object id of the CI identity (the `mcp-bootstrap` output). It co-owns the
   * Entra registrations and holds the `Mcp.Invoke` role for the post-deploy smoke test.
   */
  readonly deployerPrincipalId?: string;
}

export function deploymentInputsFromEnvironment(env: Env): DeploymentInputs {
  const serverImage = env.MCP_SERVER_IMAGE || undefined;
  const deployerPrincipalId = env.MCP_DEPLOYER_PRINCIPAL_ID || undefined;
  if (deployerPrincipalId !== undefined && !GUID_PATTERN.test(deployerPrincipalId)) {
    throw new Error(
      `MCP_DEPLOYER_PRINCIPAL_ID=${JSON.stringify(deployerPrincipalId)} is not valid: expected an object id (GUID)`,
    );
  }
  return { serverImage, deployerPrincipalId };
}
