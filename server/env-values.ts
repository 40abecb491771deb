import { z } from "zod";
import { ConfigError } from "./config-error";

/** The process environment, as loadConfig reads it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Readers of one environment variable each; every failure is a ConfigError naming the variable. */
export function read<T>(
  env: Env,
  variable: string,
  schema: z.ZodType<T>,
  fallback: string,
  allowed: string,
): T {
  const raw = env[variable];
  const value = raw === undefined || raw.trim() === "" ? fallback : raw.trim();
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ConfigError(variable, raw, allowed);
  return parsed.data;
}

/** A whole number from `min` to `max`; `fallback` when unset or blank. */
export function integer(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const schema = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));
  return read(env, variable, schema, String(fallback), `expected a whole number from ${min} to ${max}`);
}

/** One of `values`, exactly as written; `fallback` when unset or blank. */
export function oneOf<T extends string>(env: Env, variable: string, fallback: T, values: readonly T[]): T {
  const schema = z.enum(values as [T, ...T[]]);
  return read(env, variable, schema, fallback, `expected one of ${values.map((v) => `'${v}'`).join(", ")}`);
}

/** `true` or `false`, exactly as written; `fallback` when unset or blank. */
export function boolean(env: Env, variable: string, fallback: boolean): boolean {
  return oneOf(env, variable, fallback ? "true" : "false", ["true", "false"]) === "true";
}

/** The trimmed value, or undefined when unset or blank. */
export function optional(env: Env, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value ? value : undefined;
}
