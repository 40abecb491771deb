// `npm run mutate`: mutation testing of who a caller is (server/auth) and the HTTP limits (server/http).
// docs/development.md "Mutation testing" has the scores and the survivors judged equivalent. Narrow a run with `npm run mutate -- --mutate server/auth/loopback.ts`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ["server/auth/**/*.ts", "server/http/**/*.ts", "!**/index.ts", "!**/types.ts"],
  testRunner: "jest",
  jest: { projectType: "custom", configFile: "mutation/jest.config.js", enableFindRelatedTests: false },
  coverageAnalysis: "perTest",
  // The machine is shared (2 cores); raise with `--concurrency 4` on a dedicated one.
  concurrency: 2,
  // Tests start real servers and fetch JWKS over 127.0.0.1: give a slow, loaded machine room.
  timeoutMS: 30000,
  timeoutFactor: 3,
  checkers: [],
  ignorePatterns: ["dist", "cdktf.out", "coverage", "bench/results", "reports", ".stryker-tmp"],
  tempDirName: ".stryker-tmp",
  // "live" (mutation/live-reporter.mjs) names each survivor as soon as it is known.
  appendPlugins: ["./mutation/live-reporter.mjs"],
  reporters: ["clear-text", "progress", "html", "json", "live"],
  // Reuse earlier verdicts (reports/stryker-incremental.json) for mutants whose code and covering tests did
  // not change, so a file can be measured on its own and the totals still add up; `--force` re-runs all.
  incremental: true,
  // MUTATE_REPORT names the reports of one run (mutation/by-file.sh: one per group).
  htmlReporter: { fileName: `reports/mutation/${process.env.MUTATE_REPORT ?? "index"}.html` },
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATE_REPORT ?? "mutation"}.json` },
  thresholds: { high: 95, low: 90, break: null },
};
