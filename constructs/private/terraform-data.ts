import {
  anyToHclTerraform,
  anyToTerraform,
  hashMapper,
  hashMapperHcl,
  TerraformResourceConfig,
  TerraformResource,
} from "cdktf";
import { Construct } from "constructs";

/** Props of `TerraformData`: what replaces the resource and the provisioners it then runs. */
export interface TerraformDataProps {
  /** Replaces the resource (and so reruns its provisioners) whenever a value changes. */
  readonly triggersReplace: Readonly<Record<string, string>>;
  readonly provisioners: NonNullable<TerraformResourceConfig["provisioners"]>;
}

/**
 * Terraform's built-in `terraform_data` resource (Terraform >= 1.4), synthesized like cdktf's `DataResource`
 * but without the synth-time check that runs `terraform version`: cdktf's `DataResource` adds one, which makes
 * `cdktf synth` and `Testing.fullSynth` fail where no Terraform binary is installed. Synth needs none; the
 * deploy needs Terraform anyway, and `npm run deploy` checks its version first.
 */
export class TerraformData extends TerraformResource {
  private readonly triggers: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TerraformDataProps) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      provisioners: props.provisioners,
    });
    this.triggers = props.triggersReplace;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { triggers_replace: hashMapper(anyToTerraform)(this.triggers) };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return { triggers_replace: hashMapperHcl(anyToHclTerraform)(this.triggers) };
  }
}
