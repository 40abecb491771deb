import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";

/**
 * The `hashicorp/random` provider of `scope`'s stack: the one the stack already has, or a new one (id
 * `random`, no settings) so a construct that generates a secret works in any stack without extra wiring.
 */
export function randomProviderOf(scope: Construct): RandomProvider {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.children.find(
    (child): child is RandomProvider => child instanceof RandomProvider,
  );
  return existing ?? new RandomProvider(stack, "random");
}
