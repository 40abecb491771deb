/**
 * Azure ABAC conditions (version 2.0) for the bootstrap's role assignments. Shapes from Microsoft's
 * "Delegate Azure role assignment management" examples (constrain roles and principal types) and the Blob
 * Storage condition examples (blob path).
 */

const ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments";

/**
 * For a role that can write role assignments: creating or deleting one is allowed only for the given role
 * definitions and principal types. Where is the assignment's own scope (the environment's resource group):
 * conditions have no scope attribute.
 */
export function constrainRoleAssignmentsCondition(
  roleDefinitionIds: readonly string[],
  principalTypes: readonly string[],
): string {
  const roles = roleDefinitionIds.join(", ");
  const types = principalTypes.map((type) => `'${type}'`).join(", ");
  const clause = (action: "write" | "delete", source: "@Request" | "@Resource") =>
    [
      "(",
      " (",
      `  !(ActionMatches{'${ROLE_ASSIGNMENTS}/${action}'})`,
      " )",
      " OR",
      " (",
      `  ${source}[${ROLE_ASSIGNMENTS}:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles}}`,
      "  AND",
      `  ${source}[${ROLE_ASSIGNMENTS}:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {${types}}`,
      " )",
      ")",
    ].join("\n");
  return [clause("write", "@Request"), "AND", clause("delete", "@Resource")].join("\n");
}

const BLOBS = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs";

/**
 * For a Storage Blob Data role on a container: reading (and with `write`, writing, appending and deleting)
 * blobs is allowed only on paths matching `pathPattern` (`StringLike`, `*` wildcard). Listing the container
 * (`Blob.List`, which has no path) stays allowed: the azurerm backend lists blobs on init.
 */
export function blobPathCondition(pathPattern: string, access: "read" | "write"): string {
  const actions = [
    `!(ActionMatches{'${BLOBS}/read'} AND NOT SubOperationMatches{'Blob.List'})`,
    ...(access === "write"
      ? [
          `!(ActionMatches{'${BLOBS}/write'})`,
          `!(ActionMatches{'${BLOBS}/add/action'})`,
          `!(ActionMatches{'${BLOBS}/delete'})`,
        ]
      : []),
  ];
  return [
    "(",
    " (",
    actions.map((action) => `  ${action}`).join("\n  AND\n"),
    " )",
    " OR",
    " (",
    `  @Resource[${BLOBS}:path] StringLike '${pathPattern}'`,
    " )",
    ")",
  ].join("\n");
}
