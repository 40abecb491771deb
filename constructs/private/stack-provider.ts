import { TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";

/**
 * Makes sure `scope`'s stack has a provider of `type` (e.g. `random`): a construct that needs a utility
 * provider then works in any stack without extra wiring. An existing one (any id, any settings) is kept;
 * otherwise `create` adds one to the stack.
 */
export function ensureStackProvider(
  scope: Construct,
  type: string,
  create: (stack: TerraformStack) => TerraformProvider,
): void {
  const stack = TerraformStack.of(scope);
  const present = stack.node
    .findAll()
    // The library's own guard, not `instanceof`: a consumer on CDK Terrain can hold two physical copies of
    // the engine (the `cdktf` alias and the `cdktn` the @cdktn provider bindings require).
    .some((node) => TerraformProvider.isTerraformProvider(node) && node.terraformResourceType === type);
  if (!present) create(stack);
}
