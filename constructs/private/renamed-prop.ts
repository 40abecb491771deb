import { isDeepStrictEqual } from "node:util";
import { Annotations } from "cdktf";
import { IConstruct } from "constructs";
import { ValidationError } from "../validation-error";

/**
 * The value of a renamed prop, given under its new name (`field`), its deprecated old name (`deprecatedField`),
 * or both when they agree. The old name still works for one release: it adds a synth warning naming the new one.
 * Both with different values is an error naming both fields and their values.
 */
export function renamedProp<T>(
  scope: IConstruct,
  field: string,
  value: T | undefined,
  deprecatedField: string,
  deprecatedValue: T | undefined,
): T | undefined {
  if (deprecatedValue === undefined) return value;
  if (value !== undefined && !isDeepStrictEqual(value, deprecatedValue)) {
    throw new ValidationError(
      `${deprecatedField} is the deprecated name of ${field}; give only ${field} (got ${field}=${show(value)}, ` +
        `${deprecatedField}=${show(deprecatedValue)})`,
      scope,
    );
  }
  Annotations.of(scope).addWarning(
    `${deprecatedField} is deprecated: use ${field} (same value); ${deprecatedField} will be removed in a later release`,
  );
  return deprecatedValue;
}

const show = (value: unknown): string => (typeof value === "string" ? `'${value}'` : JSON.stringify(value));

/** `renamedProp` for a required prop: one of the two names must be given. */
export function requiredRenamedProp<T>(
  scope: IConstruct,
  field: string,
  value: T | undefined,
  deprecatedField: string,
  deprecatedValue: T | undefined,
): T {
  const resolved = renamedProp(scope, field, value, deprecatedField, deprecatedValue);
  if (resolved === undefined) {
    throw new ValidationError(
      `${field} is required (got neither ${field} nor its deprecated name ${deprecatedField})`,
      scope,
    );
  }
  return resolved;
}
