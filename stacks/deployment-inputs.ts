import { ImageBuilder } from "../constructs/bundled-server-image";
import { GUID_PATTERN } from "../constructs/private/stable-ids";
import { EnvironmentConfig } from "./environments";

type Env = Readonly<Record<string, string | undefined>>;

/** What a deployment run adds to the checked-in environment config. Read only by main.ts. */
export interface DeploymentInputs {
  /**
   * `MCP_SERVER_IMAGE`: an image the pipeline already built and scanned (`<registry>/<repo>@sha256:...`);
   * the stacks run it instead of building the bundled server.
   */
  readonly serverImage?: string;
  /**
   * `MCP_SERVER_IMAGE_DIGEST`: `sha256:<64 hex>` of the scanned image the pipeline copied into this
   * environment's registry; the stack runs `<its registry>/mcp-server@<digest>`. Conflicts with
   * `MCP_SERVER_IMAGE`.
   */
  readonly serverImageDigest?: string;
  /**
   * `MCP_DEPLOYER_PRINCIPAL_ID`: object id of the CI identity (the `mcp-bootstrap` output). It co-owns the
   * Entra registrations and holds the `Mcp.Invoke` role for the post-deploy smoke test.
   */
  readonly deployerPrincipalId?: string;
  /**
   * `MCP_IMAGE_BUILD`: where the bundled image is built, `acr` (`az acr build`) or `docker` (local
   * `docker build` + push, for subscriptions without ACR Tasks); overrides the environment's choice.
   */
  readonly imageBuild?: ImageBuilder;
}

const IMAGE_BUILDERS: readonly string[] = ["acr", "docker"];

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function deploymentInputsFromEnvironment(env: Env): DeploymentInputs {
  const serverImage = env.MCP_SERVER_IMAGE || undefined;
  const serverImageDigest = env.MCP_SERVER_IMAGE_DIGEST || undefined;
  if (serverImageDigest !== undefined && !DIGEST.test(serverImageDigest)) {
    throw new Error(
      `MCP_SERVER_IMAGE_DIGEST=${JSON.stringify(serverImageDigest)} is not valid: expected sha256:<64 lowercase hex digits>`,
    );
  }
  if (serverImage && serverImageDigest) {
    throw new Error(
      "MCP_SERVER_IMAGE and MCP_SERVER_IMAGE_DIGEST are both set: set one (a full reference, or a digest in the stack's own registry)",
    );
  }
  const deployerPrincipalId = env.MCP_DEPLOYER_PRINCIPAL_ID || undefined;
  if (deployerPrincipalId !== undefined && !GUID_PATTERN.test(deployerPrincipalId)) {
    throw new Error(
      `MCP_DEPLOYER_PRINCIPAL_ID=${JSON.stringify(deployerPrincipalId)} is not valid: expected an object id (GUID)`,
    );
  }
  const imageBuild = env.MCP_IMAGE_BUILD || undefined;
  if (imageBuild !== undefined && !IMAGE_BUILDERS.includes(imageBuild)) {
    throw new Error(
      `MCP_IMAGE_BUILD=${JSON.stringify(imageBuild)} is not valid: expected ${IMAGE_BUILDERS.join(" or ")} ` +
        "(docker builds locally where ACR Tasks are not allowed)",
    );
  }
  return {
    serverImage,
    serverImageDigest,
    deployerPrincipalId,
    imageBuild: imageBuild as ImageBuilder | undefined,
  };
}

/** The environment as this run deploys it: a prebuilt image replaces the build; MCP_IMAGE_BUILD picks the builder. */
export function applyDeploymentInputs(
  config: EnvironmentConfig,
  inputs: DeploymentInputs,
): EnvironmentConfig {
  if (inputs.serverImage) {
    return { ...config, image: { source: "existing", imageReference: inputs.serverImage } };
  }
  if (inputs.serverImageDigest) {
    return { ...config, image: { source: "registry", digest: inputs.serverImageDigest } };
  }
  if (inputs.imageBuild && config.image.source === "bundled") {
    return { ...config, image: { ...config.image, build: inputs.imageBuild } };
  }
  return config;
}
