#!/usr/bin/env node
// Builds the server image into the deployment's registry and writes `ref=<login server>/<repository>@<digest>`
// and `digest=<digest>` to $GITHUB_OUTPUT (to stdout when it is unset). Plain Node 22, no dependencies.
//
//   REGISTRY_NAME=<acr name> LOGIN_SERVER=<acr>.azurecr.io IMAGE_REPOSITORY=mcp-server IMAGE_TAG=<sha> \
//   DOCKERFILE=server/Dockerfile BUILD_CONTEXT=<dir> node .github/scripts/build-image.mjs
//
// First with ACR Tasks (`az acr build`: nothing is built on the runner). Where the subscription does not allow
// them (`TasksOperationsNotAllowed`, e.g. free trials), with Docker on the runner, pushed after `az acr login`.
// Exit 1 when the build fails, 2 for missing configuration.
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";

const REQUIRED = [
  "REGISTRY_NAME",
  "LOGIN_SERVER",
  "IMAGE_REPOSITORY",
  "IMAGE_TAG",
  "DOCKERFILE",
  "BUILD_CONTEXT",
];
const TASKS_NOT_ALLOWED = "TasksOperationsNotAllowed";

class BuildFailure extends Error {}

function run(command, args, stdio = "inherit") {
  const result = spawnSync(command, args, { stdio, encoding: "utf8" });
  if (result.error) throw new BuildFailure(`${command} could not run: ${result.error.message}`);
  return result;
}

function step(command, args) {
  const { status } = run(command, args);
  if (status !== 0) throw new BuildFailure(`${command} ${args[0]} failed (exit ${status})`);
}

function build(env) {
  const image = `${env.IMAGE_REPOSITORY}:${env.IMAGE_TAG}`;
  const acr = run(
    "az",
    [
      "acr",
      "build",
      "--registry",
      env.REGISTRY_NAME,
      "--image",
      image,
      "--file",
      env.DOCKERFILE,
      env.BUILD_CONTEXT,
    ],
    ["ignore", "inherit", "pipe"],
  );
  process.stderr.write(acr.stderr ?? "");
  if (acr.status === 0) return { image, builder: "az acr build" };
  if (!(acr.stderr ?? "").includes(TASKS_NOT_ALLOWED)) {
    throw new BuildFailure(`az acr build failed (exit ${acr.status})`);
  }
  console.log(
    `::notice::ACR Tasks are not allowed in this subscription (${TASKS_NOT_ALLOWED}): building with Docker on the runner`,
  );
  const reference = `${env.LOGIN_SERVER}/${image}`;
  step("az", ["acr", "login", "--name", env.REGISTRY_NAME]);
  step("docker", [
    "build",
    "--platform",
    "linux/amd64",
    "--file",
    join(env.BUILD_CONTEXT, env.DOCKERFILE),
    "--tag",
    reference,
    env.BUILD_CONTEXT,
  ]);
  step("docker", ["push", reference]);
  return { image, builder: "docker" };
}

function digestOf(env, image) {
  const show = run(
    "az",
    [
      "acr",
      "repository",
      "show",
      "--name",
      env.REGISTRY_NAME,
      "--image",
      image,
      "--query",
      "digest",
      "-o",
      "tsv",
    ],
    ["ignore", "pipe", "inherit"],
  );
  const digest = (show.stdout ?? "").trim();
  if (show.status !== 0 || !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new BuildFailure(
      `the registry should report a sha256 digest for ${image} (got ${JSON.stringify(digest)})`,
    );
  }
  return digest;
}

function main(env) {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) {
    console.error(`build-image: bad configuration: ${missing.join(", ")} must be set`);
    return 2;
  }
  try {
    const { image, builder } = build(env);
    const digest = digestOf(env, image);
    const ref = `${env.LOGIN_SERVER}/${env.IMAGE_REPOSITORY}@${digest}`;
    console.log(`ok  ${image} built with ${builder}: ${ref}`);
    // The digest alone is what later environments deploy: they copy it into their own registry by digest.
    const outputs = `ref=${ref}\ndigest=${digest}\n`;
    if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, outputs);
    else process.stdout.write(outputs);
    return 0;
  } catch (error) {
    console.error(`build-image failed: ${error instanceof BuildFailure ? error.message : error.stack}`);
    return 1;
  }
}

process.exitCode = main(process.env);
