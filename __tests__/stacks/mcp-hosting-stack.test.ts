import { App, Testing } from "cdktf";
import { ContainerApp } from "@cdktf/provider-azurerm/lib/container-app";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { EnvironmentConfig, environments } from "../../stacks/environments";
import { McpHostingStack, McpHostingStackProps } from "../../stacks/mcp-hosting-stack";

const base: EnvironmentConfig = {
  stackName: "mcp-test",
  name: "test",
  location: "northeurope",
  prefix: "demo",
  tags: { owner: "platform" },
  scaling: { minReplicas: 1, maxReplicas: 4, concurrentRequests: 30 },
  corsOrigins: ["https://vscode.dev"],
  authMode: "entra",
  image: { source: "existing", imageReference: "example.azurecr.io/mcp-server:1.0.0" },
  registrySku: "Basic",
  logRetentionInDays: 60,
  applicationInsightsEnabled: true,
};

function stackFor(
  environment: EnvironmentConfig,
  props: Partial<McpHostingStackProps> = {},
): McpHostingStack {
  return new McpHostingStack(Testing.app() as App, environment.stackName, { environment, ...props });
}

type Json = Record<string, unknown>;
function parsed(stack: McpHostingStack): Json {
  return JSON.parse(Testing.synth(stack)) as Json;
}
function resourcesOf(config: Json, type: string): Json[] {
  return Object.values(((config.resource as Json)[type] ?? {}) as Record<string, Json>);
}

/** The stack's JSON with the values that change with server/ sources or the synth directory made constant. */
function stableSynth(stack: McpHostingStack): string {
  const hash = stack.image.imageReference.split(":").pop() ?? "";
  return Testing.synth(stack)
    .split(hash)
    .join("<content-hash>")
    .replace(/"working_dir": "[^"]*"/g, '"working_dir": "<repository root>"');
}

describe("McpHostingStack", () => {
  it.each(environments.map((environment) => [environment.stackName, environment] as const))(
    "%s matches its snapshot",
    (_name, environment) => {
      expect(stableSynth(stackFor(environment))).toMatchSnapshot();
    },
  );

  it("creates a tagged resource group in the configured location", () => {
    expect(Testing.synth(stackFor(base))).toHaveResourceWithProperties(ResourceGroup, {
      name: "rg-demo-test",
      location: "northeurope",
      tags: { owner: "platform" },
    });
  });

  it("composes environment, registry and app from the config", () => {
    const config = parsed(stackFor(base));
    expect(resourcesOf(config, "azurerm_log_analytics_workspace")).toEqual([
      expect.objectContaining({ name: "log-demo-test", retention_in_days: 60, location: "northeurope" }),
    ]);
    expect(resourcesOf(config, "azurerm_application_insights")).toHaveLength(1);
    expect(resourcesOf(config, "azurerm_container_registry")).toEqual([
      expect.objectContaining({ sku: "Basic", name: expect.stringMatching(/^acrdemotest\$\{/) }),
    ]);
    const [app] = resourcesOf(config, "azurerm_container_app");
    expect(app).toMatchObject({
      name: "ca-demo-test",
      template: {
        min_replicas: 1,
        max_replicas: 4,
        http_scale_rule: [{ concurrent_requests: "30" }],
        container: [{ image: "example.azurecr.io/mcp-server:1.0.0" }],
      },
      ingress: { cors: { allowed_origins: ["https://vscode.dev"] } },
    });
    expect(resourcesOf(config, "terraform_data")).toEqual([]);
  });

  it("builds the bundled image and makes the app wait for the build", () => {
    const stack = stackFor({ ...base, image: { source: "bundled" } });
    const config = parsed(stack);
    const [build] = Object.keys((config.resource as Json).terraform_data as Json);
    const [app] = resourcesOf(config, "azurerm_container_app");
    expect(app.depends_on).toContain(`terraform_data.${build}`);
  });

  it("creates the app only after AcrPull had time to propagate, with the time provider declared", () => {
    const config = parsed(stackFor(base));
    const [wait] = Object.keys((config.resource as Json).time_sleep as Json);
    const [app] = resourcesOf(config, "azurerm_container_app");
    expect(app.depends_on).toContain(`time_sleep.${wait}`);
    expect((config.terraform as Json).required_providers).toMatchObject({
      time: { source: "hashicorp/time" },
    });
  });

  it("builds the bundled image with local Docker when the environment chooses it", () => {
    const config = parsed(stackFor({ ...base, image: { source: "bundled", build: "docker" } }));
    const [build] = Object.values((config.resource as Json).terraform_data as Record<string, Json>);
    const command = (build.provisioner as Record<string, { command: string }>[])[0]["local-exec"].command;
    expect(command).toMatch(/^az acr login .* && docker build .* && docker push /);
  });

  it("wires entra auth with the tenant of the deploying identity", () => {
    expect(Testing.synth(stackFor(base))).toContain(
      '"value": "${data.azurerm_client_config.ClientConfig.tenant_id}"',
    );
  });

  it("registers the server API in Entra and accepts its identifier URI and client id as audiences", () => {
    const stack = stackFor(base);
    const config = parsed(stack);
    const app = resourcesOf(config, "azurerm_container_app")[0];
    const env = ((app.template as Json).container as Json[])[0].env as { name: string; value?: string }[];
    const audience = env.find((e) => e.name === "MCP_AUDIENCE")?.value;
    const [uri, clientId] = (audience ?? "").split(",");
    expect(uri).toMatch(
      /^\$\{azuread_application_identifier_uri\.EntraApp_IdentifierUri_\w+\.identifier_uri\}$/,
    );
    expect(clientId).toMatch(/^\$\{azuread_application\.EntraApp_\w+\.client_id\}$/);
  });

  it("puts Easy Auth in front of the container app in entra mode", () => {
    const config = parsed(stackFor(base));
    const [authConfig] = resourcesOf(config, "azapi_resource");
    expect(authConfig).toMatchObject({
      type: "Microsoft.App/containerApps/authConfigs@2025-01-01",
      name: "current",
      parent_id: expect.stringMatching(/^\$\{azurerm_container_app\.\w+\.id\}$/),
    });
    expect((config.terraform as Json).required_providers).toMatchObject({
      azapi: { source: "azure/azapi" },
      azuread: { source: "hashicorp/azuread" },
    });
  });

  it.each([
    ["the server's own challenge by default", undefined, "AllowAnonymous"],
    ["Easy Auth's 401 when the environment chooses Return401", "Return401", "Return401"],
  ] as const)(
    "gives requests without a token %s, and says which in an output",
    (_label, chosen, expected) => {
      const config = parsed(stackFor({ ...base, easyAuthUnauthenticatedClientAction: chosen }));
      const [authConfig] = resourcesOf(config, "azapi_resource");
      expect(authConfig.body).toMatchObject({
        properties: { globalValidation: { unauthenticatedClientAction: expected } },
      });
      const outputs = config.output as Record<string, { value: string }>;
      expect(outputs.easy_auth_unauthenticated_action.value).toBe(expected);
    },
  );

  it("makes the configured admins and the deployer the owners, never whoever runs the apply, and grants the deployer Mcp.Invoke", () => {
    const deployer = "66666666-7777-8888-9999-000000000000";
    const admin = "11111111-2222-3333-4444-555555555555";
    const stack = stackFor(
      { ...base, entraOwnerObjectIds: [admin, deployer] },
      { deployerPrincipalId: deployer },
    );
    const config = parsed(stack);
    const [api] = resourcesOf(config, "azuread_application");
    expect(api.owners).toEqual([admin, deployer]);
    for (const principal of resourcesOf(config, "azuread_service_principal")) {
      expect(principal.owners).toEqual([admin, deployer]);
    }
    expect((config.data as Json | undefined)?.azuread_client_config).toBeUndefined();
    expect(resourcesOf(config, "azuread_app_role_assignment")).toEqual([
      expect.objectContaining({ principal_object_id: deployer, app_role_id: stack.entraApp!.appRoleId }),
    ]);
    // The grant's construct id is its Terraform address: renaming it would delete and re-create the grant.
    const resources = config.resource as Record<string, Record<string, unknown>>;
    expect(Object.keys(resources.azuread_app_role_assignment)).toEqual([
      expect.stringMatching(/^EntraApp_Deployer_[0-9A-F]{8}$/),
    ]);
    const withoutDeployer = parsed(stackFor(base));
    expect(resourcesOf(withoutDeployer, "azuread_application")[0]).not.toHaveProperty("owners");
    expect(resourcesOf(withoutDeployer, "azuread_app_role_assignment")).toEqual([]);
  });

  it("warns when only the deployer would own the registrations, naming where to add an owner", () => {
    const deployer = "66666666-7777-8888-9999-000000000000";
    const warnings = (stack: McpHostingStack) =>
      stack.node.metadata.filter((entry) => entry.type === "@cdktf/warn").map((entry) => String(entry.data));
    expect(warnings(stackFor(base, { deployerPrincipalId: deployer }))).toEqual([
      expect.stringContaining("entraOwnerObjectIds of 'mcp-test' in stacks/environments.ts"),
    ]);
    const admin = "11111111-2222-3333-4444-555555555555";
    expect(
      warnings(stackFor({ ...base, entraOwnerObjectIds: [admin] }, { deployerPrincipalId: deployer })),
    ).toEqual([]);
  });

  it("keeps the owner set when the admins are configured but no deployer is given (a laptop apply)", () => {
    const admin = "11111111-2222-3333-4444-555555555555";
    const config = parsed(stackFor({ ...base, entraOwnerObjectIds: [admin] }));
    expect(resourcesOf(config, "azuread_application")[0].owners).toEqual([admin]);
  });

  it("fails when an owner object id is not a GUID, naming it", () => {
    expect(() => stackFor({ ...base, entraOwnerObjectIds: ["alice@contoso.com"] })).toThrow(
      `McpEntraApp 'mcp-test/EntraApp': ownerObjectIds[0] must be a GUID (got "alice@contoso.com")`,
    );
  });

  it("has no Entra registration, Easy Auth or Entra outputs in apikey mode", () => {
    const config = parsed(
      stackFor({
        ...base,
        authMode: "apikey",
        apiKeysKeyVaultSecretId: "https://kv.vault.azure.net/secrets/k",
      }),
    );
    expect(resourcesOf(config, "azapi_resource")).toEqual([]);
    expect(resourcesOf(config, "azuread_application")).toEqual([]);
    expect(Object.keys(config.output as Json)).not.toContain("identifier_uri");
  });

  it("outputs the Entra client id, identifier URI, scope, a VS Code mcp.json and the token command", () => {
    const stack = stackFor(base);
    const config = parsed(stack);
    const outputs = config.output as Record<string, { value: string }>;
    const [uriKey] = Object.keys((config.resource as Json).azuread_application_identifier_uri as Json);
    const identifierUri = `\${azuread_application_identifier_uri.${uriKey}.identifier_uri}`;
    const [uriResource] = resourcesOf(config, "azuread_application_identifier_uri");
    expect(uriResource.identifier_uri).toMatch(
      /^api:\/\/\$\{azuread_application\.EntraApp_\w+\.client_id\}$/,
    );
    expect(outputs.server_app_client_id.value).toMatch(/^\$\{azuread_application\.\w+\.client_id\}$/);
    expect(outputs.identifier_uri.value).toBe(identifierUri);
    expect(outputs.scope.value).toBe(`${identifierUri}/user_impersonation`);
    expect(outputs.get_token_command.value).toBe(
      `az account get-access-token --resource ${identifierUri} --query accessToken -o tsv`,
    );
    expect(outputs.vscode_mcp_json.value).toMatch(/^\$\{jsonencode\(/);
    expect(outputs.vscode_mcp_json.value).toContain('"mcp-test"');
    expect(outputs.vscode_mcp_json.value).toContain('"type" = "http"');
    expect(outputs.vscode_mcp_json.value).toMatch(
      /"url" = "https:\/\/ca-demo-test\.\$\{azurerm_container_app_environment\.\w+\.default_domain\}\/mcp"/,
    );
  });

  it("reads API keys from Key Vault in apikey mode", () => {
    const stack = stackFor({
      ...base,
      authMode: "apikey",
      apiKeysKeyVaultSecretId: "https://kv-demo.vault.azure.net/secrets/mcp-api-keys",
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ContainerApp, {
      secret: [
        expect.objectContaining({
          name: "mcp-api-keys",
          key_vault_secret_id: "https://kv-demo.vault.azure.net/secrets/mcp-api-keys",
        }),
        expect.objectContaining({ name: "appinsights-connection-string" }),
        expect.objectContaining({ name: "mcp-request-state-key" }),
      ],
    });
  });

  it("gives every replica the same MCP_REQUEST_STATE_KEY, generated by Terraform, never in the JSON", () => {
    const json = Testing.synth(stackFor(base));
    const config = JSON.parse(json) as Json & { provider: Record<string, unknown> };
    expect(Object.keys(config.provider)).toContain("random");
    expect(resourcesOf(config, "random_password")).toEqual([expect.objectContaining({ length: 64 })]);
    expect(json).toHaveResourceWithProperties(ContainerApp, {
      secret: expect.arrayContaining([
        {
          name: "mcp-request-state-key",
          value: expect.stringMatching(/^\$\{random_password\.\w+\.result\}$/),
        },
      ]),
    });
    expect(json).toMatch(/"name": "MCP_REQUEST_STATE_KEY",\s+"secret_name": "mcp-request-state-key"/);
  });

  it("fails when apikey mode has no Key Vault secret id", () => {
    expect(() => stackFor({ ...base, authMode: "apikey" })).toThrow(
      /secrets.mcp-api-keys must be a Key Vault reference/,
    );
  });

  it("grants the app identity Log Analytics Reader on the workspace", () => {
    const assignments = resourcesOf(parsed(stackFor(base)), "azurerm_role_assignment");
    expect(assignments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          role_definition_name: "Log Analytics Reader",
          scope: expect.stringMatching(/azurerm_log_analytics_workspace\.\w+\.id/),
          principal_id: expect.stringMatching(/azurerm_user_assigned_identity\.\w+\.principal_id/),
        }),
        expect.objectContaining({ role_definition_name: "AcrPull" }),
      ]),
    );
  });

  it("outputs the MCP, SSE and metadata URLs, the resource group and the registry login server", () => {
    const oneReplica = parsed(stackFor({ ...base, scaling: { ...base.scaling, maxReplicas: 1 } }));
    const outputs = oneReplica.output as Record<string, { value: string }>;
    const url = /^https:\/\/ca-demo-test\.\$\{azurerm_container_app_environment\.\w+\.default_domain\}/;
    expect(outputs.mcp_url.value).toMatch(new RegExp(`${url.source}/mcp$`));
    expect(outputs.sse_url.value).toMatch(new RegExp(`${url.source}/sse$`));
    expect(outputs.prm_url.value).toMatch(
      new RegExp(`${url.source}/\\.well-known/oauth-protected-resource/mcp$`),
    );
    expect(outputs.resource_group.value).toBe("${azurerm_resource_group.ResourceGroup.name}");
    expect(outputs.registry_login_server.value).toMatch(
      /^\$\{azurerm_container_registry\.\w+\.login_server\}$/,
    );
  });

  it("leaves sse_url empty when legacy SSE is off on several replicas", () => {
    const outputs = parsed(stackFor(base)).output as Record<string, { value: string }>;
    expect(outputs.sse_url.value).toBe("");
  });

  it("keeps local state by default and uses an azurerm backend when remote state is configured", () => {
    expect(parsed(stackFor(base)).terraform).not.toHaveProperty("backend");
    const remote = parsed(
      stackFor(base, {
        remoteState: {
          resourceGroupName: "rg-state",
          storageAccountName: "sttfstate",
          containerName: "tfstate",
        },
      }),
    );
    expect((remote.terraform as Json).backend).toEqual({
      azurerm: {
        resource_group_name: "rg-state",
        storage_account_name: "sttfstate",
        container_name: "tfstate",
        key: "mcp-test.tfstate",
        use_azuread_auth: true,
      },
    });
  });

  it("applies McpPolicyChecks: every shipped stack synthesizes without policy errors", () => {
    for (const environment of environments) {
      const stack = stackFor(environment);
      expect(() => Testing.fullSynth(stack)).not.toThrow();
    }
  });

  it("fails synth through the policy checks when an escape hatch enables insecure ingress", () => {
    const stack = stackFor(base);
    stack.app.resource.addOverride("ingress.allow_insecure_connections", true);
    expect(() => Testing.fullSynth(stack)).toThrow(/allow_insecure_connections must be false/);
  });
});

describe("synthesized stacks hold no secret values", () => {
  const variants: [string, EnvironmentConfig][] = [
    ...environments.map((environment) => [environment.stackName, environment] as [string, EnvironmentConfig]),
    [
      "apikey mode",
      { ...base, authMode: "apikey", apiKeysKeyVaultSecretId: "https://kv.vault.azure.net/secrets/k" },
    ],
    [
      "authorization front with a custom domain",
      { ...base, oauthFrontEnabled: true, customDomainHostName: "mcp.example.com" },
    ],
  ];

  it.each(variants)("%s", (_name, environment) => {
    const json = Testing.synth(stackFor(environment));
    expect(json).not.toMatch(/InstrumentationKey=|AccountKey=|SharedAccessKey=|AccessKey=|Password=|sig=/i);
    expect(json).not.toMatch(/"(password|client_secret|admin_password|access_key|sas_token)":/i);
    const config = JSON.parse(json) as Json;
    for (const app of resourcesOf(config, "azurerm_container_app")) {
      for (const secret of (app.secret ?? []) as Json[]) {
        // Either a Key Vault reference or a Terraform reference to another resource's attribute.
        expect(secret.key_vault_secret_id ?? secret.value).toMatch(
          /^(https:\/\/[^/]+\.vault\.azure\.net\/secrets\/|\$\{)/,
        );
      }
      const env = ((app.template as Json).container as Json[]).flatMap((c) => c.env as Json[]);
      for (const entry of env.filter((e) =>
        /KEY|SECRET|PASSWORD|CONNECTION_STRING|TOKEN/i.test(String(e.name)),
      )) {
        expect(entry).toEqual({ name: entry.name, secret_name: expect.any(String) });
      }
    }
  });
});
