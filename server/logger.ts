import pino, { DestinationStream, Logger } from "pino";
import { LogLevel } from "./config";

/** JSON logs (request headers reach them only through the allow-list in http/request-logging.ts); `destination` defaults to stdout (main.ts passes stderr for stdio, tests pass a capture). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "cdktf-azure-mcp" },
    },
    destination ?? pino.destination(1),
  );
}
