import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import { TeamMcpStack } from "./support/readme-example";

const root = path.resolve(__dirname, "..", "..");

describe("docs/constructs.md: the first example", () => {
  it("shows readme-example.ts (type-checked by npm run lint), importing from the package name", () => {
    const page = readFileSync(path.join(root, "docs", "constructs.md"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(page)?.[1];
    const example = readFileSync(path.join(__dirname, "support", "readme-example.ts"), "utf8");
    expect(block).toBe(example.replace('from "../../../constructs"', 'from "cdktf-azure-mcp"'));
  });

  it("synthesizes, policy checks included", () => {
    const stack = new TeamMcpStack(Testing.app(), "team-mcp");
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(Testing.synth(stack)).toContain('"name": "ca-team-mcp"');
  });
});
