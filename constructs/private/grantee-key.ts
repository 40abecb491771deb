import { TerraformStack } from "cdktf";
import { Grantee } from "../grantee";

/** A construct id for `grantee`, unique within its stack: its path below the stack, joined by `-`. */
export function granteeKey(grantee: Grantee): string {
  const scopes = grantee.node.scopes;
  const stackIndex = scopes.indexOf(TerraformStack.of(grantee));
  return scopes
    .slice(stackIndex + 1)
    .map((scope) => scope.node.id)
    .join("-");
}
