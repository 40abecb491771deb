import { IConstruct } from "constructs";

/**
 * Something a role can be granted to: a construct with an Entra principal id, such as a
 * `UserAssignedIdentity`. The construct's path keys the role assignment, which keeps its Terraform
 * address stable even though the principal id is only known at apply time.
 */
export interface Grantee extends IConstruct {
  /** The object id of the identity's service principal, which role assignments name. */
  readonly principalId: string;
}
