import { Construct } from "constructs";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { TimeProvider } from "@cdktf/provider-time/lib/provider";
import { Sleep } from "@cdktf/provider-time/lib/sleep";
import { ensureStackProvider } from "./stack-provider";

/**
 * How long a new role assignment is given to reach the service that checks it. Azure RBAC is eventually
 * consistent: a container app created right after its AcrPull assignment can try the first pull before the
 * registry sees the grant, and the revision hangs until it times out (microsoft/azure-container-apps#646).
 */
export const ROLE_PROPAGATION_WAIT = "60s";

/**
 * A `time_sleep` that completes `ROLE_PROPAGATION_WAIT` after `assignment` is created; make the resource
 * that needs the role depend on it. It waits on create only: a later apply waits again only when the
 * assignment is replaced (its id is the trigger). The stack gets a `time` provider unless it has one.
 */
export function waitForRolePropagation(scope: Construct, id: string, assignment: RoleAssignment): Sleep {
  ensureStackProvider(scope, "time", (stack) => new TimeProvider(stack, "time"));
  return new Sleep(scope, id, {
    createDuration: ROLE_PROPAGATION_WAIT,
    triggers: { role_assignment_id: assignment.id },
  });
}
