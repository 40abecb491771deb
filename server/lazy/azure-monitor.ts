// A separate bundle (dist/bundle/lazy/azure-monitor.js), loaded only when telemetry is configured: the
// Azure Monitor SDK and its instrumentations are most of the image's code, and parsing them at every
// start-up would cost processes that never export. `import = require` (not `export from`) makes esbuild
// take the SDK's CommonJS build, as the one-file bundle does; its ES build needs import.meta.url.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: CommonJS build on purpose
import sdk = require("@azure/monitor-opentelemetry");
export = sdk;
