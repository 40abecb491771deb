#!/usr/bin/env node
// Markdown summary of a saved Terraform plan for the job summary reviewers read before they approve:
// counts per action, then every resource the plan deletes or replaces, by address. Plain Node 22, no
// dependencies. Reads the output of `terraform show -json <plan>`; prints addresses and actions only, never
// attribute values.
//
//   node .github/scripts/plan-summary.mjs plan.json mcp-prod >> "$GITHUB_STEP_SUMMARY"
import { readFileSync } from "node:fs";

/** The one action a resource change amounts to, from Terraform's `change.actions` list. */
function actionOf(actions) {
  const key = actions.join(",");
  if (key === "delete,create" || key === "create,delete") return "replace";
  if (["no-op", "create", "read", "update", "delete", "forget"].includes(key)) return key;
  throw new Error(`unknown change actions ${JSON.stringify(actions)}`);
}

function summarize(plan, stack) {
  const changes = (plan.resource_changes ?? []).map((change) => ({
    address: change.address,
    action: actionOf(change.change.actions),
  }));
  const count = (action) => changes.filter((change) => change.action === action).length;
  const destructive = changes.filter((change) => change.action === "delete" || change.action === "replace");
  const lines = [
    `## Plan for ${stack}`,
    "",
    `${count("create")} to add, ${count("update")} to change, ${count("replace")} to replace, ${count("delete")} to destroy.`,
  ];
  if (destructive.length > 0) {
    lines.push("", "**Deletes and replacements** (read these before approving):", "");
    for (const change of destructive) lines.push(`- \`${change.address}\`: ${change.action}`);
  }
  if (plan.errored) lines.push("", "**The plan errored.**");
  return `${lines.join("\n")}\n`;
}

const [file, stack] = process.argv.slice(2);
if (!file || !stack) {
  console.error("usage: plan-summary.mjs <terraform show -json output> <stack>");
  process.exitCode = 2;
} else {
  process.stdout.write(summarize(JSON.parse(readFileSync(file, "utf8")), stack));
}
