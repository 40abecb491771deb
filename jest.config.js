/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc strips types only; `npm run lint` runs the type checker over the same files.
  transform: { "^.+\\.(t|j)s$": ["@swc/jest"] },
  // jose 6 ships ES modules only; let swc turn it into CommonJS for the test runtime.
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // A bound for a hang, not a speed target (bench/ measures speed, as ratios in one run): on two cores
  // shared by many engineers a test that takes 5-10 s alone was seen to take over 30 s. Tests whose waits
  // grow with the machine's load set their own bounds (child processes) or wait on progress instead
  // (__tests__/reliability/support/progress.ts). maxWorkers stays jest's default (cores - 1: one worker here).
  testTimeout: 120_000,
};
