import { Token } from "cdktf";
import { IConstruct } from "constructs";
import { ValidationError } from "../validation-error";
import { GUID_PATTERN } from "./stable-ids";

/**
 * The checks the constructs share. Each skips an undefined value and an unresolved token (known only at
 * apply time), and throws a `ValidationError` naming `field`, the value and what is allowed.
 */

/** How a string value is quoted in a message; existing messages differ, and tests hold them. */
export type Quote = "'" | '"';

const known = (value: unknown): boolean => value !== undefined && !Token.isUnresolved(value);

/** `value` is an integer from `min` to `max`. */
export function checkIntegerInRange(
  scope: IConstruct,
  field: string,
  value: number | undefined,
  min: number,
  max: number,
): void {
  if (known(value) && (!Number.isInteger(value) || (value as number) < min || (value as number) > max)) {
    throw new ValidationError(`${field} must be an integer from ${min} to ${max} (got ${value})`, scope);
  }
}

/** `value` is an integer >= 1. */
export function checkPositiveInteger(scope: IConstruct, field: string, value: number | undefined): void {
  if (known(value) && (!Number.isInteger(value) || (value as number) < 1)) {
    throw new ValidationError(`${field} must be a positive integer (got ${value})`, scope);
  }
}

/** `value` is one of `allowed` (a union's `as const` array). */
export function checkOneOf<T extends string>(
  scope: IConstruct,
  field: string,
  value: string | undefined,
  allowed: readonly T[],
  quote: Quote = "'",
): asserts value is T | undefined {
  if (known(value) && !(allowed as readonly string[]).includes(value as string)) {
    throw new ValidationError(
      `${field} must be one of ${allowed.join(", ")} (got ${quote}${String(value)}${quote})`,
      scope,
    );
  }
}

/** `value` is a GUID (a tenant, client or object id). */
export function checkGuid(
  scope: IConstruct,
  field: string,
  value: string | undefined,
  quote: Quote = '"',
): void {
  if (known(value) && !GUID_PATTERN.test(value as string)) {
    throw new ValidationError(`${field} must be a GUID (got ${quote}${value}${quote})`, scope);
  }
}

/** `value` matches `pattern`; `allowed` says what is, e.g. `a lowercase DNS name like mcp.example.com`. */
export function checkPattern(
  scope: IConstruct,
  field: string,
  value: string | undefined,
  pattern: RegExp,
  allowed: string,
): void {
  if (known(value) && !pattern.test(value as string)) {
    throw new ValidationError(`${field} must be ${allowed} (got '${value}')`, scope);
  }
}

/**
 * `reference` is a Key Vault reference: a `keyVaultSecretId` and no `value` (one passed from JavaScript or a
 * cast would land in the Terraform state). `showKeys` adds the keys it got to the message.
 */
export function checkKeyVaultReference(
  scope: IConstruct,
  field: string,
  reference: { readonly keyVaultSecretId: string } | undefined,
  showKeys = false,
): void {
  if (reference === undefined) return;
  const plain = typeof reference !== "object" || reference === null || "value" in reference;
  if (plain || !reference.keyVaultSecretId) {
    const got = showKeys ? ` (got ${JSON.stringify(Object.keys(reference ?? {}))})` : "";
    throw new ValidationError(
      `${field} must be a Key Vault reference ({ keyVaultSecretId })${got}; plain secret values are refused`,
      scope,
    );
  }
}

/**
 * A Consumption cpu/memory pair: cpu 0.25 to 4 in steps of 0.25, memory = 2 x cpu in Gi. `prefix` goes before
 * both field names (`upstream.` for the upstream container).
 */
export function checkConsumptionResources(scope: IConstruct, cpu: number, memory: string, prefix = ""): void {
  if (Token.isUnresolved(cpu) || Token.isUnresolved(memory)) return;
  const memoryGi = /^\d+(\.\d+)?Gi$/.test(memory) ? Number(memory.slice(0, -2)) : NaN;
  const validCpu = cpu >= 0.25 && cpu <= 4 && Number.isInteger(cpu * 4);
  if (!validCpu || memoryGi !== cpu * 2) {
    throw new ValidationError(
      `${prefix}cpu and ${prefix}memory must be a Consumption pair: cpu 0.25 to 4 in steps of 0.25 and memory = 2 x cpu in Gi ` +
        `(0.25/0.5Gi, 0.5/1Gi, ... 4/8Gi) (got ${prefix}cpu=${cpu}, ${prefix}memory=${memory})`,
      scope,
    );
  }
}
