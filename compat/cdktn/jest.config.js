/**
 * The construct and stack suites a second time, with `cdktf` and the azurerm / random provider bindings
 * resolved to CDK Terrain (`cdktn` 0.24) from this directory's own install. azuread and time have no cdktn
 * bindings yet: the cdktf-built packages are kept, and their own `require("cdktf")` lands on cdktn too.
 * Nothing here touches the main lockfile's cdktf tree. See docs/cdk-terrain.md.
 */
const path = require("node:path");
const base = require("../../jest.config.js");

const modules = path.join(__dirname, "node_modules");

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, "..", ".."),
  roots: ["<rootDir>/__tests__/constructs", "<rootDir>/__tests__/stacks"],
  // These spawn the cdktf CLI, npm or tsx: the child runs outside this module map and would test cdktf again.
  testPathIgnorePatterns: [
    "/node_modules/",
    "/__tests__/stacks/synth-without-terraform\\.test\\.ts$",
    "/__tests__/stacks/deploy-preflight\\.test\\.ts$",
    "/__tests__/stacks/diagram\\.test\\.ts$",
  ],
  moduleNameMapper: {
    "^cdktf$": path.join(modules, "cdktf"),
    "^cdktf/(.*)$": path.join(modules, "cdktf", "$1"),
    "^constructs$": path.join(modules, "constructs"),
    "^@cdktf/provider-(azurerm|azuread|random|time)$": path.join(modules, "@cdktf", "provider-$1"),
    "^@cdktf/provider-(azurerm|azuread|random|time)/(.*)$": path.join(modules, "@cdktf", "provider-$1", "$2"),
  },
  snapshotSerializers: [path.join(__dirname, "as-cdktf-prints-it.js")],
  // The snapshots stay the main suite's: never written from this run.
  ci: true,
};
