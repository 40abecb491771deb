import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { loadConfig } from "../../server/config";
import { RequestStateError } from "../../server/request-state";
import { environments } from "../../stacks/environments";
import { McpHostingStack } from "../../stacks/mcp-hosting-stack";
import { repoRoot } from "./support/markdown-examples";

const page = readFileSync(path.join(repoRoot, "docs", "request-state-key.md"), "utf8");

describe("docs/request-state-key.md", () => {
  it("its key command makes a key the server starts with", () => {
    const command = /--value "\$\((openssl rand [^)]*)\)"/.exec(page)?.[1];
    expect(command).toBe("openssl rand -base64 48");
    const [program, ...args] = (command ?? "").split(" ");
    const key = execFileSync(program, args, { encoding: "utf8" }).trim();
    expect(key).toHaveLength(64);
    expect(loadConfig({ MCP_REQUEST_STATE_KEY: key }).requestStateKey).toBeDefined();
  });

  it("quotes the refusal the server gives for a state signed under another key", () => {
    const quoted = /^`(requestState refused: [^`]+)`$/m.exec(page)?.[1];
    expect(quoted).toBe(new RequestStateError("mac").message);
  });

  it("the resource its replace command looks for is in the synthesized stack", () => {
    const grep = /grep '([^']+)'/.exec(page)?.[1] ?? "";
    expect(grep).not.toBe("");
    const prod = environments.find((environment) => environment.stackName === "mcp-prod");
    if (!prod) throw new Error("no mcp-prod environment");
    const stack = new McpHostingStack(Testing.app() as App, prod.stackName, { environment: prod });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, unknown>> };
    const addresses = Object.entries(json.resource).flatMap(([type, resources]) =>
      Object.keys(resources).map((name) => `${type}.${name}`),
    );
    expect(addresses.filter((address) => new RegExp(grep).test(address))).toHaveLength(1);
  });
});
