#!/usr/bin/env node
// After a failed smoke test: puts the image that ran before this deploy back on the Container App (a new
// revision of the same template, now running the previous image) and says so in the job summary. Plain Node
// 22, no dependencies.
//
//   PREVIOUS_IMAGE=<registry>/mcp-server@sha256:... CONTAINER_APP=ca-mcp-prod RESOURCE_GROUP=rg-mcp-prod \
//   node .github/scripts/rollback.mjs
//
// Always exits non-zero: the deploy failed whether or not the rollback worked (1 rolled back, 2 could not).
import { spawnSync } from "node:child_process";
import { appendFileSync } from "node:fs";

/** The server container's name in McpContainerApp. */
const SERVER_CONTAINER = "mcp-server";

function summary(env, lines) {
  const text = `${lines.join("\n")}\n`;
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, text);
  process.stdout.write(text);
}

function main(env) {
  const missing = ["CONTAINER_APP", "RESOURCE_GROUP"].filter((name) => !env[name]);
  if (!env.PREVIOUS_IMAGE || missing.length > 0) {
    summary(env, [
      "### Smoke test failed: NOT rolled back",
      "",
      env.PREVIOUS_IMAGE
        ? `The plan job recorded no ${missing.join(" and ")}, so there is nothing to roll back to.`
        : "The state recorded no previous image (first deploy through the pipeline?): the failing revision stays live.",
    ]);
    return 2;
  }
  const result = spawnSync(
    "az",
    [
      "containerapp",
      "update",
      "--name",
      env.CONTAINER_APP,
      "--resource-group",
      env.RESOURCE_GROUP,
      "--container-name",
      SERVER_CONTAINER,
      "--image",
      env.PREVIOUS_IMAGE,
      "--only-show-errors",
      "--output",
      "none",
    ],
    { stdio: "inherit" },
  );
  if (result.error || result.status !== 0) {
    summary(env, [
      "### Smoke test failed: rollback FAILED",
      "",
      `\`az containerapp update\` could not put \`${env.PREVIOUS_IMAGE}\` back on ${env.CONTAINER_APP} ` +
        `(${result.error ? result.error.message : `exit ${result.status}`}): the failing revision is still live.`,
    ]);
    return 2;
  }
  summary(env, [
    "### Smoke test failed: rolled back",
    "",
    `${env.CONTAINER_APP} runs the previous image again: \`${env.PREVIOUS_IMAGE}\`.`,
    "The Terraform state still records the new image; the next run's plan shows the difference.",
  ]);
  return 1;
}

process.exitCode = main(process.env);
