// A separate bundle (dist/bundle/lazy/azure-identity.js), loaded only when query_logs is configured.
// `import = require` makes esbuild take the SDK's CommonJS build, as for azure-monitor.ts.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: CommonJS build on purpose
import sdk = require("@azure/identity");
export = sdk;
