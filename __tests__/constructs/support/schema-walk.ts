/** A reduced ARM (swagger 2.0) schema: property names, types and enums only. */
export interface PropertySchema {
  type?: "object" | "array" | "string" | "boolean" | "number" | "integer";
  $ref?: string;
  enum?: string[];
  items?: PropertySchema;
  properties?: Record<string, PropertySchema>;
}

export interface ReducedSchema {
  root: string;
  definitions: Record<string, { properties: Record<string, PropertySchema> }>;
}

/**
 * Walks `value` against `schema` and returns one problem per key the schema does not define, per value of
 * the wrong type, and per value outside an enum. Terraform references (`${...}`) pass as strings.
 */
export function schemaProblems(schema: ReducedSchema, value: unknown): string[] {
  const problems: string[] = [];
  const walk = (node: PropertySchema, actual: unknown, path: string): void => {
    if (node.$ref !== undefined) {
      const definition = schema.definitions[node.$ref];
      if (!definition) {
        problems.push(`${path}: definition ${node.$ref} is not in the fixture`);
        return;
      }
      walk({ type: "object", properties: definition.properties }, actual, path);
      return;
    }
    if (node.type === "object") {
      if (typeof actual !== "object" || actual === null || Array.isArray(actual)) {
        problems.push(`${path}: expected an object`);
        return;
      }
      for (const [key, child] of Object.entries(actual)) {
        const childSchema = node.properties?.[key];
        if (!childSchema) problems.push(`${path}.${key}: not a property of the schema`);
        else walk(childSchema, child, `${path}.${key}`);
      }
      return;
    }
    if (node.type === "array") {
      if (!Array.isArray(actual)) problems.push(`${path}: expected an array`);
      else actual.forEach((item, i) => walk(node.items ?? {}, item, `${path}[${i}]`));
      return;
    }
    if (node.type === "string" && typeof actual !== "string") problems.push(`${path}: expected a string`);
    if (node.type === "boolean" && typeof actual !== "boolean") problems.push(`${path}: expected a boolean`);
    if (node.enum && !node.enum.includes(actual as string)) {
      problems.push(`${path}: ${JSON.stringify(actual)} is not one of ${node.enum.join(", ")}`);
    }
  };
  walk({ $ref: schema.root }, value, "body");
  return problems;
}
