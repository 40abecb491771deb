import { App, Testing } from "cdktf";
import { EnvironmentConfig, environments } from "../../stacks/environments";
import { McpHostingStack } from "../../stacks/mcp-hosting-stack";

const HOST = "mcp.example.com";
const base: EnvironmentConfig = {
  stackName: "mcp-test",
  name: "test",
  location: "northeurope",
  prefix: "demo",
  tags: {},
  scaling: { minReplicas: 1, maxReplicas: 4, concurrentRequests: 30 },
  corsOrigins: [],
  authMode: "entra",
  image: { source: "existing", imageReference: "example.azurecr.io/mcp-server:1.0.0" },
  registrySku: "Basic",
  logRetentionInDays: 30,
  applicationInsightsEnabled: true,
};
const withFront: EnvironmentConfig = { ...base, oauthFrontEnabled: true };
const withDomain: EnvironmentConfig = {
  ...base,
  customDomainHostName: HOST,
  monitoring: {
    alertsEnabled: true,
    alertEmailReceivers: [],
    availabilityTestEnabled: true,
    diagnosticSettingsEnabled: false,
  },
};

type Json = Record<string, unknown>;
function synth(environment: EnvironmentConfig): Json & { resource: Record<string, Record<string, Json>> } {
  const stack = new McpHostingStack(Testing.app() as App, environment.stackName, { environment });
  return JSON.parse(Testing.synth(stack)) as Json & { resource: Record<string, Record<string, Json>> };
}
function all(config: ReturnType<typeof synth>, type: string): [string, Json][] {
  return Object.entries(config.resource[type] ?? {});
}
function only(config: ReturnType<typeof synth>, type: string): [string, Json] {
  const found = all(config, type);
  expect(found).toHaveLength(1);
  return found[0];
}
function envOf(config: ReturnType<typeof synth>): Record<string, unknown> {
  const [, app] = only(config, "azurerm_container_app");
  const env = (
    (app.template as Json).container as { env: { name: string; value?: string; secret_name?: string }[] }[]
  )[0].env;
  return Object.fromEntries(
    env.map((entry) => [entry.name, entry.value ?? { secretRef: entry.secret_name }]),
  );
}
function outputs(config: ReturnType<typeof synth>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config.output as Record<string, { value: string }>).map(([key, output]) => [
      key,
      output.value,
    ]),
  );
}

describe("McpHostingStack sign-in paths", () => {
  it("turns the authorization front on for mcp-dev", () => {
    const dev = environments.find((environment) => environment.stackName === "mcp-dev");
    expect(dev?.oauthFrontEnabled).toBe(true);
    expect(envOf(synth(dev!)).MCP_OAUTH_FRONT).toBe("on");
  });

  it("with the front, makes the API registration its client: the app's callback and its identity as federated credential", () => {
    const config = synth(withFront);
    const [apiKey, api] = only(config, "azuread_application");
    const [identityKey] = only(config, "azurerm_user_assigned_identity");
    expect(api.web).toEqual({
      redirect_uris: [
        expect.stringMatching(
          /^https:\/\/ca-demo-test\.\$\{azurerm_container_app_environment\.\w+\.default_domain\}\/oauth\/callback$/,
        ),
      ],
    });
    const [, credential] = only(config, "azuread_application_federated_identity_credential");
    expect(credential).toMatchObject({
      application_id: `\${azuread_application.${apiKey}.id}`,
      subject: `\${azurerm_user_assigned_identity.${identityKey}.principal_id}`,
      audiences: ["api://AzureADTokenExchange"],
      issuer: expect.stringMatching(/^https:\/\/login\.microsoftonline\.com\/\$\{[^}]+\}\/v2\.0$/),
    });
    expect(envOf(config)).toMatchObject({
      MCP_OAUTH_FRONT: "on",
      MCP_OAUTH_FRONT_CLIENT_ID: `\${azuread_application.${apiKey}.client_id}`,
      MCP_OAUTH_FRONT_KEY: { secretRef: "mcp-oauth-front-key" },
      AZURE_CLIENT_ID: `\${azurerm_user_assigned_identity.${identityKey}.client_id}`,
    });
  });

  it("with the front and a custom domain, registers the callback on the custom host, the front's issuer", () => {
    const config = synth({ ...withDomain, oauthFrontEnabled: true });
    const [, api] = only(config, "azuread_application");
    expect(api.web).toEqual({ redirect_uris: [`https://${HOST}/oauth/callback`] });
    expect(envOf(config).MCP_PUBLIC_URL).toBe(`https://${HOST}`);
  });

  it("with the front, leaves Easy Auth out: it would refuse the front's own tokens", () => {
    const front = synth(withFront);
    expect(all(front, "azapi_resource").filter(([, r]) => String(r.type).includes("authConfigs"))).toEqual(
      [],
    );
    expect(outputs(front)).not.toHaveProperty("easy_auth_unauthenticated_action");
    const direct = synth(base);
    expect(
      all(direct, "azapi_resource").filter(([, r]) => String(r.type).includes("authConfigs")),
    ).toHaveLength(1);
    expect(all(direct, "azuread_application_federated_identity_credential")).toEqual([]);
    expect(only(direct, "azuread_application")[1]).not.toHaveProperty("web");
  });

  it("gives ready instructions per client, with the connector URL only where the front makes it work", () => {
    const front = outputs(synth(withFront));
    const mcpUrl = front.mcp_url;
    expect(mcpUrl).toMatch(/^https:\/\/ca-demo-test\.\$\{[^}]+\}\/mcp$/);
    expect(front.claude_code_command).toBe(`claude mcp add --transport http mcp-test ${mcpUrl}`);
    expect(front.connector_url).toBe(mcpUrl);
    expect(front.cursor_mcp_json).toMatch(/^\$\{jsonencode\(/);
    expect(front.cursor_mcp_json).toContain('"mcpServers" = {');
    expect(front.cursor_mcp_json).toContain(`"url" = "${mcpUrl}"`);
    expect(outputs(synth(base)).connector_url).toBe("");
    const apikey = outputs(
      synth({ ...base, authMode: "apikey", apiKeysKeyVaultSecretId: "https://kv.vault.azure.net/secrets/k" }),
    );
    expect(apikey).not.toHaveProperty("claude_code_command");
    expect(apikey).not.toHaveProperty("cursor_mcp_json");
    expect(apikey).not.toHaveProperty("connector_url");
  });

  it("with a custom domain, makes https://<host>/mcp the identifier URI, the public URL and an accepted audience", () => {
    const config = synth(withDomain);
    const [uriKey, uri] = only(config, "azuread_application_identifier_uri");
    expect(uri.identifier_uri).toBe(`https://${HOST}/mcp`);
    const env = envOf(config);
    expect(env.MCP_PUBLIC_URL).toBe(`https://${HOST}`);
    expect(String(env.MCP_AUDIENCE).split(",")[0]).toBe(
      `\${azuread_application_identifier_uri.${uriKey}.identifier_uri}`,
    );
    expect(outputs(config).scope).toBe(
      `\${azuread_application_identifier_uri.${uriKey}.identifier_uri}/user_impersonation`,
    );
    expect(outputs(config).mcp_url).toBe(`https://${HOST}/mcp`);
  });

  it("with a custom domain, starts the availability test on the custom host only after the certificate is bound", () => {
    const config = synth(withDomain);
    const [, webTest] = only(config, "azurerm_application_insights_standard_web_test");
    expect((webTest.request as Json).url).toBe(`https://${HOST}/healthz`);
    const [bindingKey] = all(config, "azapi_resource_action").find(
      ([, action]) => action.when === undefined,
    )!;
    expect(webTest.depends_on).toEqual([`azapi_resource_action.${bindingKey}`]);
  });

  it("fails when the front is asked for in apikey mode", () => {
    expect(() =>
      synth({
        ...withFront,
        authMode: "apikey",
        apiKeysKeyVaultSecretId: "https://kv.vault.azure.net/secrets/k",
      }),
    ).toThrow(
      "McpContainerApp 'mcp-test/Server': oauthFrontEnabled needs authMode 'entra' (got authMode='apikey')",
    );
  });

  it("fails when an Easy Auth action is configured next to the front, which has no Easy Auth", () => {
    expect(() => synth({ ...withFront, easyAuthUnauthenticatedClientAction: "Return401" })).toThrow(
      "McpHostingStack 'mcp-test': easyAuthUnauthenticatedClientAction has no effect with oauthFrontEnabled (got 'Return401')",
    );
  });
});
