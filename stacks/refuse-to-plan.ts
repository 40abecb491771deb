import { TerraformStack, TerraformVariable } from "cdktf";

const SENTINEL = "refused";

/**
 * Makes `terraform plan` (and `validate`) fail with `message` while synth still succeeds: a variable whose
 * validation rejects its own default. For configuration a deploy must not go ahead without, but that a
 * zero-configuration `npm run synth` cannot supply. Overriding the variable is a deliberate act its
 * description names.
 */
export function refuseToPlan(stack: TerraformStack, name: string, message: string): TerraformVariable {
  return new TerraformVariable(stack, name, {
    type: "string",
    default: SENTINEL,
    description: `Refuses to plan: ${message}`,
    validation: [{ condition: `\${var.${name} != "${SENTINEL}"}`, errorMessage: message }],
  });
}
