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
  testTimeout: 30000,
};
