/**
 * A bad server setting found at startup. The message names the variable, the value and what is allowed;
 * main.ts prints it and exits with status 1 before anything listens.
 */
export class ConfigError extends Error {
  constructor(
    /** The environment variable at fault, for callers that point at it (the startup message names it too). */
    public readonly variable: string,
    value: string | undefined,
    allowed: string,
  ) {
    super(`${variable}=${JSON.stringify(value ?? "")} is not valid: ${allowed}`);
    this.name = "ConfigError";
  }
}
