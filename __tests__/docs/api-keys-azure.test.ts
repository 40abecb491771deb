import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { environments } from "../../stacks/environments";
import { McpHostingStack } from "../../stacks/mcp-hosting-stack";
import { INITIALIZE, MCP_HEADERS, startServer } from "../server/support/test-server";
import { repoRoot, typeScriptExamples } from "./support/markdown-examples";
import { loadExample } from "./support/type-check";

const page = readFileSync(path.join(repoRoot, "docs", "api-keys-azure.md"), "utf8");

/** The secret's value at each numbered rotation step, as the page writes it (`ci:<old key>,...`). */
function rotationValues(): string[] {
  const rotation = page.slice(page.indexOf("## Rotation"));
  return [...rotation.matchAll(/^\d\. [\s\S]*?`((?:[\w.-]+:<\w+ key>,?)+)`/gm)].map((match) => match[1]);
}

describe("docs/api-keys-azure.md", () => {
  it("the stack setting keeps every key out of the synthesized JSON, behind a Key Vault reference", () => {
    const [example] = typeScriptExamples(["docs/api-keys-azure.md"]);
    const setting = loadExample(example, {}).apiKeyMode as { apiKeysKeyVaultSecretId: string };
    const environment = { ...environments[0], ...setting };
    const stack = new McpHostingStack(Testing.app() as App, environment.stackName, { environment });
    const json = Testing.synth(stack);
    const app = Object.values(
      (JSON.parse(json) as { resource: { azurerm_container_app: Record<string, unknown> } }).resource
        .azurerm_container_app,
    )[0] as { secret: { name: string; key_vault_secret_id?: string; value?: string }[]; template: unknown };
    expect(app.secret).toContainEqual(
      expect.objectContaining({ name: "mcp-api-keys", key_vault_secret_id: setting.apiKeysKeyVaultSecretId }),
    );
    expect(app.secret.find((secret) => secret.name === "mcp-api-keys")?.value).toBeUndefined();
    expect(JSON.stringify(app.template)).toContain('"MCP_API_KEYS"');
    expect(json).not.toContain("azuread_application");
  });

  it("rotates without downtime: both keys during the overlap, only the new one after", async () => {
    const steps = rotationValues();
    expect(steps).toEqual(["ci:<old key>,ci-next:<new key>", "ci-next:<new key>"]);
    const keys = {
      "<old key>": randomBytes(32).toString("base64url"),
      "<new key>": randomBytes(32).toString("base64url"),
    };
    const accepted = async (value: string): Promise<string[]> => {
      const secret = value.replace(/<\w+ key>/g, (placeholder) => keys[placeholder as keyof typeof keys]);
      const server = await startServer({ AUTH_MODE: "apikey", MCP_API_KEYS: secret });
      try {
        const results: string[] = [];
        for (const [name, key] of Object.entries(keys)) {
          const res = await fetch(server.mcpUrl, {
            method: "POST",
            headers: { ...MCP_HEADERS, "x-api-key": key },
            body: JSON.stringify(INITIALIZE),
          });
          if (res.status === 200) results.push(name);
          else expect(res.status).toBe(401);
        }
        return results;
      } finally {
        await server.close();
      }
    };
    expect(await accepted(steps[0])).toEqual(["<old key>", "<new key>"]);
    expect(await accepted(steps[1])).toEqual(["<new key>"]);
  });
});
