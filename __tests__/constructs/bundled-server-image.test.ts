import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { BundledServerImage, hashBuildInputs, ImageBuilder } from "../../constructs/bundled-server-image";
import { ContainerRegistry } from "../../constructs/container-registry";
import { buildContext, placement, resources } from "./support/common";

function synthImage(
  contextDirectory: string,
  repository?: string,
  builder?: ImageBuilder,
): { synth: string; image: BundledServerImage; outdir: string } {
  let image: BundledServerImage | undefined;
  let outdir = "";
  const synth = Testing.synthScope((scope) => {
    const registry = new ContainerRegistry(scope, "Registry", placement);
    image = new BundledServerImage(scope, "Image", { registry, contextDirectory, repository, builder });
    outdir = App.of(scope).outdir;
  });
  return { synth, image: image!, outdir };
}

describe("BundledServerImage", () => {
  it("builds with az acr build in a terraform_data resource replaced when the content hash changes", () => {
    const context = buildContext();
    const { synth, image } = synthImage(context);
    const hash = hashBuildInputs(context);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(image.contentHash).toBe(hash);
    const [build] = resources(synth, "terraform_data");
    expect(build.triggers_replace).toEqual({
      image: expect.stringMatching(
        new RegExp(`^\\$\\{azurerm_container_registry\\.\\w+\\.login_server\\}/mcp-server:${hash}$`),
      ),
    });
    const provisioner = (build.provisioner as Record<string, Record<string, string>>[])[0]["local-exec"];
    expect(provisioner.command).toMatch(
      new RegExp(
        `^az acr build --subscription \\$\\{data\\.azurerm_client_config\\.\\w+\\.subscription_id\\} ` +
          `--registry \\$\\{azurerm_container_registry\\.\\w+\\.name\\} --image mcp-server:${hash} ` +
          `--platform linux/amd64 --file server/Dockerfile \\.$`,
      ),
    );
    expect(path.isAbsolute(provisioner.working_dir)).toBe(false);
    expect(image.dependables).toEqual([image.resource]);
  });

  it("builds locally with docker and pushes after az acr login when ACR Tasks are not available", () => {
    const context = buildContext();
    const { synth, image } = synthImage(context, undefined, "docker");
    const [build] = resources(synth, "terraform_data");
    const provisioner = (build.provisioner as Record<string, Record<string, string>>[])[0]["local-exec"];
    const reference = `\\$\\{azurerm_container_registry\\.\\w+\\.login_server\\}/mcp-server:${image.contentHash}`;
    expect(provisioner.command).toMatch(
      new RegExp(
        `^az acr login --subscription \\$\\{data\\.azurerm_client_config\\.\\w+\\.subscription_id\\} ` +
          `--name \\$\\{azurerm_container_registry\\.\\w+\\.name\\} && ` +
          `docker build --platform linux/amd64 --file server/Dockerfile --tag ${reference} \\. && ` +
          `docker push ${reference}$`,
      ),
    );
    expect(provisioner.command).not.toContain("az acr build");
    // Same tag either way: switching the builder does not force a rebuild of an unchanged server.
    expect(build.triggers_replace).toEqual(
      resources(synthImage(context).synth, "terraform_data")[0].triggers_replace,
    );
  });

  it("runs the build from the context directory, relative to the stack's synth directory", () => {
    const context = buildContext();
    const { synth, outdir } = synthImage(context);
    const [build] = resources(synth, "terraform_data");
    const workingDir = (build.provisioner as Record<string, Record<string, string>>[])[0]["local-exec"]
      .working_dir;
    // Testing.synthScope names the stack "stack"; Terraform runs in <outdir>/stacks/stack.
    expect(path.resolve(outdir, "stacks", "stack", workingDir)).toBe(path.resolve(context));
  });

  it("uses the repository prop in the tag", () => {
    const { synth } = synthImage(buildContext(), "team/mcp");
    expect(JSON.stringify(resources(synth, "terraform_data"))).toContain("--image team/mcp:");
  });

  it("keeps the hash for identical content in another directory", () => {
    expect(hashBuildInputs(buildContext())).toBe(hashBuildInputs(buildContext()));
  });

  it.each([
    ["a server source file", "server/main.ts"],
    ["the Dockerfile", "server/Dockerfile"],
    ["package.json", "package.json"],
    ["package-lock.json", "package-lock.json"],
    ["tsconfig.json (copied by the Dockerfile)", "tsconfig.json"],
    [".dockerignore", ".dockerignore"],
  ])("changes the hash when %s changes", (_label, file) => {
    const context = buildContext();
    const before = hashBuildInputs(context);
    appendFileSync(path.join(context, file), "\n// changed\n");
    expect(hashBuildInputs(context)).not.toBe(before);
  });

  it("changes the hash when a server file is added and ignores files outside the build inputs", () => {
    const context = buildContext();
    const before = hashBuildInputs(context);
    writeFileSync(path.join(context, "README.md"), "docs");
    expect(hashBuildInputs(context)).toBe(before);
    writeFileSync(path.join(context, "server", "new-tool.ts"), "export {};");
    expect(hashBuildInputs(context)).not.toBe(before);
  });

  it("follows the Dockerfile: a file it starts to copy changes the hash, files it does not copy do not", () => {
    const context = buildContext({ "config/defaults.json": "{}\n", ".dockerignore": "node_modules\n" });
    const before = hashBuildInputs(context);
    appendFileSync(path.join(context, "config", "defaults.json"), "\n");
    expect(hashBuildInputs(context)).toBe(before);
    appendFileSync(path.join(context, "server", "Dockerfile"), "COPY config/*.json ./config/\n");
    const copying = hashBuildInputs(context);
    expect(copying).not.toBe(before);
    appendFileSync(path.join(context, "config", "defaults.json"), "\n");
    expect(hashBuildInputs(context)).not.toBe(copying);
  });

  it("leaves out what .dockerignore excludes (Markdown under server/)", () => {
    const context = buildContext({ "server/README.md": "# docs\n" });
    const before = hashBuildInputs(context);
    appendFileSync(path.join(context, "server", "README.md"), "more\n");
    expect(hashBuildInputs(context)).toBe(before);
  });

  it("warns, but synthesizes, when server/Dockerfile is missing", () => {
    const context = buildContext();
    rmSync(path.join(context, "server", "Dockerfile"));
    const { image } = synthImage(context);
    expect(image.node.metadata.map((entry) => String(entry.data))).toEqual([
      expect.stringContaining("server/Dockerfile not found"),
    ]);
  });

  it("fails when the context directory has no server/", () => {
    const context = buildContext();
    rmSync(path.join(context, "server"), { recursive: true });
    expect(() => synthImage(context)).toThrow(
      /BundledServerImage 'stack\/Image': contextDirectory must hold server\/ and package.json \(got '.*'\)/,
    );
  });

  it("fails when builder is not acr or docker", () => {
    expect(() => synthImage(buildContext(), undefined, "podman" as ImageBuilder)).toThrow(
      "BundledServerImage 'stack/Image': builder must be one of acr, docker (got 'podman')",
    );
  });

  it("fails when repository is not a valid repository name", () => {
    expect(() => synthImage(buildContext(), "MCP Server")).toThrow(
      /repository must be lowercase letters, digits and single \. _ - \/ separators \(got 'MCP Server'\)/,
    );
  });
});

describe("BundledServerImage build context", () => {
  it("warns, naming the files, when the Dockerfile copies files the context lacks", () => {
    const context = buildContext({
      "server/Dockerfile":
        "FROM node:22 AS build\nCOPY package.json package-lock.json tsconfig.json ./\nCOPY server ./server\n",
    });
    rmSync(path.join(context, "tsconfig.json"));
    const { image } = synthImage(context);
    expect(image.node.metadata.map((entry) => String(entry.data))).toEqual([
      expect.stringMatching(
        /^server\/Dockerfile copies tsconfig\.json, not found in .*: the image build will fail$/,
      ),
    ]);
  });

  it("does not warn for the repository's own Dockerfile in the checkout", () => {
    const { image } = synthImage(path.resolve(__dirname, "..", ".."));
    expect(image.node.metadata).toEqual([]);
  });
});
