import { App, Testing, TerraformStack } from "cdktf";

/** The parts of a synthesized stack the construct tests read. */
export interface SynthJson {
  terraform: { required_providers: Record<string, { source: string; version?: string }> };
  provider: Record<string, Record<string, unknown>[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
}

/** Synthesizes a fresh stack named `test` that `build` fills, and parses the JSON. */
export function synthStack(build: (stack: TerraformStack) => void): SynthJson {
  const stack = new TerraformStack(Testing.app() as App, "test");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

/** The only resource of `type` in `json`; fails the test when there is not exactly one. */
export function onlyResource(json: SynthJson, type: string): Record<string, unknown> {
  const resources = Object.values(json.resource[type] ?? {});
  expect(resources).toHaveLength(1);
  return resources[0];
}
