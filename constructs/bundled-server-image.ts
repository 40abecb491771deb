import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Annotations, App, ITerraformDependable, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ContainerRegistry } from "./container-registry";
import { buildInputFiles, dockerfileSources } from "./private/build-inputs";
import { defaultImageContext } from "./private/image-context";
import { TerraformData } from "./private/terraform-data";
import { IServerImage } from "./server-image";
import { ValidationError } from "./validation-error";
import { checkOneOf } from "./private/checks";

/**
 * Where the bundled image is built:
 * - `acr`: in the registry with `az acr build` (ACR Tasks; no local Docker needed).
 * - `docker`: on the machine running `cdktf deploy`, with `docker build` and `docker push` after
 *   `az acr login`; for subscriptions where ACR Tasks are blocked (`TasksOperationsNotAllowed`, e.g. free
 *   trials). Needs a running Docker engine there.
 */
export type ImageBuilder = (typeof IMAGE_BUILDERS)[number];
/** The ways the image can be built (see `ImageBuilder`). */
export const IMAGE_BUILDERS = ["acr", "docker"] as const;

/** Props of `BundledServerImage`. */
export interface BundledServerImageProps {
  /** The registry the image is pushed to. */
  readonly registry: ContainerRegistry;
  /**
   * Repository within the registry.
   * @default "mcp-server"
   */
  readonly repository?: string;
  /**
   * Build context: the directory holding `server/` (with its `Dockerfile`), `package.json` and
   * `package-lock.json`.
   * @default - the root of this package in a checkout; in an installed package, the copy of the context
   * that `npm pack` staged in `dist/image-context` (npm never packs a root `package-lock.json`)
   */
  readonly contextDirectory?: string;
  /**
   * `acr` builds in the registry (ACR Tasks), `docker` builds locally and pushes (see `ImageBuilder`).
   * @default "acr"
   */
  readonly builder?: ImageBuilder;
}

const DOCKERFILE = "server/Dockerfile";

/**
 * The bundled MCP server image, built in the cloud by `az acr build` (no local Docker), or locally with
 * `docker build` + `docker push` where ACR Tasks are not allowed (`builder`). The tag is a
 * content hash of every file the Dockerfile copies from the context (after `.dockerignore`), the Dockerfile
 * and `.dockerignore`, computed at synth time; a
 * `terraform_data` resource replaced when that hash changes runs the build, so an unchanged server is
 * never rebuilt. Needs the Azure CLI, logged in, where `cdktf deploy` runs. The build runs at deploy time
 * only, never at synth.
 */
export class BundledServerImage extends Construct implements IServerImage {
  /** `<loginServer>/<repository>:<contentHash>`. */
  public readonly imageReference: string;
  /** The content hash used as the image tag (16 hex characters). */
  public readonly contentHash: string;
  /** The `terraform_data` resource running the build (`Resource`). */
  public readonly resource: TerraformResource;
  /** What a deployment of the image must wait for: the build. */
  public readonly dependables: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: BundledServerImageProps) {
    super(scope, id);
    const repository = props.repository ?? "mcp-server";
    const builder = props.builder ?? "acr";
    const contextDirectory = path.resolve(props.contextDirectory ?? defaultImageContext(packageRoot(this)));
    if (!/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/.test(repository)) {
      throw new ValidationError(
        `repository must be lowercase letters, digits and single . _ - / separators (got '${repository}')`,
        this,
      );
    }
    checkOneOf(this, "builder", builder, IMAGE_BUILDERS);
    if (
      !existsSync(path.join(contextDirectory, "server")) ||
      !existsSync(path.join(contextDirectory, "package.json"))
    ) {
      throw new ValidationError(
        `contextDirectory must hold server/ and package.json (got '${contextDirectory}')`,
        this,
      );
    }
    const dockerfile = path.join(contextDirectory, DOCKERFILE);
    if (!existsSync(dockerfile)) {
      Annotations.of(this).addWarning(
        `${DOCKERFILE} not found in ${contextDirectory}: the image build will fail`,
      );
    } else {
      const missing = dockerfileSources(readFileSync(dockerfile, "utf8")).filter(
        (source) => !existsSync(path.join(contextDirectory, source)),
      );
      if (missing.length > 0) {
        Annotations.of(this).addWarning(
          `${DOCKERFILE} copies ${missing.join(", ")}, not found in ${contextDirectory}: the image build will fail`,
        );
      }
    }

    this.contentHash = hashBuildInputs(contextDirectory);
    const tag = `${repository}:${this.contentHash}`;
    this.imageReference = `${props.registry.loginServer}/${tag}`;
    this.resource = new TerraformData(this, "Resource", {
      triggersReplace: { image: this.imageReference },
      provisioners: [
        {
          type: "local-exec",
          // Terraform runs from the stack's synth directory; a relative path keeps the JSON machine-independent.
          workingDir: path.relative(stackSynthDirectory(this), contextDirectory) || ".",
          command:
            builder === "acr"
              ? `az acr build --subscription ${props.registry.subscriptionId} --registry ${props.registry.name} ` +
                `--image ${tag} --platform linux/amd64 --file ${DOCKERFILE} .`
              : `az acr login --subscription ${props.registry.subscriptionId} --name ${props.registry.name} && ` +
                `docker build --platform linux/amd64 --file ${DOCKERFILE} --tag ${this.imageReference} . && ` +
                `docker push ${this.imageReference}`,
        },
      ],
    });
    this.dependables = [this.resource];
  }

  /**
   * The `terraform_data` resource running the build.
   * @deprecated use `resource` (the same object).
   */
  public get build(): TerraformResource {
    return this.resource;
  }
}

/**
 * SHA-256 over the sorted relative paths and contents of every build input (`buildInputFiles`: what the
 * Dockerfile's COPY/ADD read, the Dockerfile, `.dockerignore`); the first 16 hex characters.
 */
export function hashBuildInputs(contextDirectory: string): string {
  const hash = createHash("sha256");
  for (const file of buildInputFiles(contextDirectory, DOCKERFILE)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(contextDirectory, file)));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** The nearest directory above this file with a package.json: the repository root, or the installed package. */
function packageRoot(scope: Construct): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new ValidationError(`contextDirectory is required: no package.json above ${__dirname}`, scope);
    }
    dir = parent;
  }
  return dir;
}

function stackSynthDirectory(scope: Construct): string {
  return path.join(path.resolve(App.of(scope).outdir), "stacks", TerraformStack.of(scope).node.id);
}
