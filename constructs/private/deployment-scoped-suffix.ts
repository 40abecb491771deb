import { Fn } from "cdktf";

/**
 * A Terraform expression for 8 hex characters derived from the subscription, the resource group and the
 * construct path, in the spirit of ARM's `uniqueString(resourceGroup().id)`: stable for one deployment,
 * different for two people deploying the same code into different subscriptions (global names would
 * otherwise collide).
 */
export function deploymentScopedSuffix(
  subscriptionId: string,
  resourceGroupName: string,
  path: string,
): string {
  return Fn.substr(Fn.sha1(Fn.join("/", [subscriptionId, resourceGroupName, path])), 0, 8);
}
