import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";

/**
 * Something a role can be granted to: a construct with an Entra principal id, such as a
 * `UserAssignedIdentity`. The construct's path keys the role assignment, which keeps its Terraform
 * address stable even though the principal id is only known at apply time.
 */
export interface Grantee extends IConstruct {
  readonly principalId: string;
}

/** A construct id for `grantee`, unique within its stack: its path below the stack, joined by `-`. */
export function granteeKey(grantee: Grantee): string {
  const scopes = grantee.node.scopes;
  const stackIndex = scopes.indexOf(TerraformStack.of(grantee));
  return scopes
    .slice(stackIndex + 1)
    .map((scope) => scope.node.id)
    .join("-");
}
