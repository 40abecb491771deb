/** One role on one scope, as in Azure Verified Modules' `role_assignments`. */
export interface RoleAssignmentProps {
  /** A built-in role name (`Reader`) or a full role definition resource id (`/subscriptions/.../roleDefinitions/<guid>`). */
  readonly roleDefinitionIdOrName: string;
  /** Where the role applies: a resource, resource group or subscription id. */
  readonly scope: string;
  /** @default - no description */
  readonly description?: string;
}
