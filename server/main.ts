// Only configuration and telemetry load before telemetry starts: Azure Monitor's instrumentations hook
// http and express as they are required, so serve.ts (and with it express) is required afterwards.
import { loadConfig, ServerConfig } from "./config";
import { ConfigError } from "./config-error";
import { startTelemetry, Telemetry } from "./telemetry";

function configure(): { config: ServerConfig; telemetry: Telemetry } {
  try {
    const config = loadConfig(process.env);
    return { config, telemetry: startTelemetry(config.applicationInsightsConnectionString) };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function main(): void {
  const { config, telemetry } = configure();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { serve } = require("./serve") as typeof import("./serve");
  serve(config, telemetry);
}

main();
