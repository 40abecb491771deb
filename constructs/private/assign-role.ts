import { Construct } from "constructs";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleAssignmentProps } from "../role-assignment";

/**
 * Assigns a role to a managed identity's service principal. `skipServicePrincipalAadCheck` avoids failures
 * while a freshly created identity is still replicating through Entra ID.
 */
export function assignRole(
  scope: Construct,
  id: string,
  principalId: string,
  props: RoleAssignmentProps,
): RoleAssignment {
  const isId = props.roleDefinitionIdOrName.startsWith("/");
  return new RoleAssignment(scope, id, {
    scope: props.scope,
    principalId,
    principalType: "ServicePrincipal",
    skipServicePrincipalAadCheck: true,
    roleDefinitionId: isId ? props.roleDefinitionIdOrName : undefined,
    roleDefinitionName: isId ? undefined : props.roleDefinitionIdOrName,
    description: props.description,
  });
}
