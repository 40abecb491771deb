import { Construct } from "constructs";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";

/** One role on one scope, as in Azure Verified Modules' `role_assignments`. */
export interface RoleAssignmentProps {
  /** A built-in role name (`Reader`) or a full role definition resource id (`/subscriptions/.../roleDefinitions/<guid>`). */
  readonly roleDefinitionIdOrName: string;
  /** Where the role applies: a resource, resource group or subscription id. */
  readonly scope: string;
  /** @default - no description */
  readonly description?: string;
}

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
