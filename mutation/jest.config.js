// The jest run `npm run mutate` uses: the project's jest config limited to the tests that decide who a caller
// is and what the HTTP limits let through, so every mutant is judged by the tests meant to catch it.
// MUTATE_TEST_ROOTS (comma-separated folders) narrows it further while iterating on one file.
const base = require("../jest.config.js");

const testRoots = (
  process.env.MUTATE_TEST_ROOTS ?? "__tests__/server/auth,__tests__/server/http,__tests__/server/isolation"
)
  .split(",")
  .map((root) => root.trim())
  .filter(Boolean);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: "..",
  // These tests use no cdktf matchers; loading cdktf per test file would cost seconds per mutant.
  setupFilesAfterEnv: [],
  roots: testRoots.map((root) => `<rootDir>/${root}`),
};
