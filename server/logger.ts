import pino, { DestinationStream, Logger } from "pino";
import { LogLevel } from "./config";

/** Header names whose values never reach a log line. */
export const REDACTED_HEADERS = ["authorization", "api-key", "x-api-key", "cookie", "proxy-authorization"];

/** JSON logs; `destination` defaults to stdout (main.ts passes stderr for stdio, tests pass a capture). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "cdktf-azure-mcp" },
      redact: { paths: REDACTED_HEADERS.map((h) => `headers["${h}"]`), censor: "[REDACTED]" },
    },
    destination ?? pino.destination(1),
  );
}
