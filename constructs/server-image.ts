import { ITerraformDependable } from "cdktf";

/** The image an `McpContainerApp` runs, and what must exist before the app can pull it. */
export interface IServerImage {
  /** Full reference with a tag or digest, e.g. `myacr.azurecr.io/mcp-server:3f2a...`. */
  readonly imageReference: string;
  /** Resources the container app depends on (e.g. the build); empty for an image built elsewhere. */
  readonly dependables: readonly ITerraformDependable[];
}

/** Images built outside this stack. */
export class ServerImage {
  /**
   * An image a pipeline built and pushed elsewhere. `McpContainerApp` checks the reference carries an
   * explicit tag or digest (not `latest`): a moving tag would not roll out a new revision.
   */
  public static fromReference(imageReference: string): IServerImage {
    return { imageReference, dependables: [] };
  }

  private constructor() {}
}
