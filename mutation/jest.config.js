// The jest run `npm run mutate` uses: the project's jest config limited to the tests that decide who a caller
// is and what the HTTP limits let through, so every mutant is judged by the tests meant to catch it.
// While iterating, MUTATE_TEST_ROOTS (comma-separated folders) or MUTATE_TESTS (comma-separated test files)
// narrows it further. A mutant a narrower set kills, the default set kills too (the same tests are in it);
// a survivor of a narrower set may not survive the default one (docs/development.md, "Mutation testing").
const base = require("../jest.config.js");

const listOf = (value) =>
  (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);

const testRoots = listOf(
  process.env.MUTATE_TEST_ROOTS ?? "__tests__/server/auth,__tests__/server/http,__tests__/server/isolation",
);
const testFiles = listOf(process.env.MUTATE_TESTS);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: "..",
  // These tests use no cdktf matchers; loading cdktf per test file would cost seconds per mutant.
  setupFilesAfterEnv: [],
  roots: testRoots.map((root) => `<rootDir>/${root}`),
  ...(testFiles.length > 0 ? { testMatch: testFiles.map((file) => `<rootDir>/${file}`) } : {}),
};
