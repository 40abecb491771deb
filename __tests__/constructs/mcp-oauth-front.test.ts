import { Testing } from "cdktf";
import { Construct } from "constructs";
import { Application } from "@cdktf/provider-azuread/lib/application";
import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import {
  KeyVaultSecretReference,
  McpContainerApp,
  McpContainerAppProps,
  OAUTH_FRONT_CALLBACK_PATH,
} from "../../constructs/mcp-container-app";
import { McpEntraApp } from "../../constructs/mcp-entra-app";
import { ServerImage } from "../../constructs/server-image";
import { placement, referenceTo, resources, testEnvironment } from "./support/common";

const CLIENT_ID = "22222222-2222-2222-2222-222222222222";
const FRONT_KEY_VAULT_ID = "https://kv-test.vault.azure.net/secrets/mcp-oauth-front-key";

function app(
  scope: Construct,
  props: Partial<Omit<McpContainerAppProps, "environment">> = {},
): McpContainerApp {
  return new McpContainerApp(scope, "Server", {
    ...placement,
    environment: testEnvironment(scope),
    name: "ca-test",
    image: ServerImage.fromReference("example.azurecr.io/mcp-server:1.2.3"),
    authMode: "entra",
    entraTenantId: "11111111-1111-1111-1111-111111111111",
    entraAudiences: ["api://mcp-test", CLIENT_ID],
    ...props,
  });
}

function synthApp(props: Partial<Omit<McpContainerAppProps, "environment">> = {}): string {
  return Testing.synthScope((scope) => {
    app(scope, props);
  });
}

type EnvEntry = { name: string; value?: string; secret_name?: string };
function envOf(synth: string): Record<string, unknown> {
  const [containerApp] = resources(synth, "azurerm_container_app");
  const env = (containerApp.template as { container: { env: EnvEntry[] }[] }).container[0].env;
  return Object.fromEntries(
    env.map((entry) => [entry.name, entry.value ?? { secretRef: entry.secret_name }]),
  );
}

function secretsOf(synth: string): Record<string, unknown>[] {
  const [containerApp] = resources(synth, "azurerm_container_app");
  return containerApp.secret as Record<string, unknown>[];
}

describe("McpContainerApp authorization front", () => {
  it("is off by default: no front variables, no front key", () => {
    const synth = synthApp();
    const env = envOf(synth);
    expect(Object.keys(env).filter((name) => name.startsWith("MCP_OAUTH_FRONT"))).toEqual([]);
    expect(secretsOf(synth).map((secret) => secret.name)).not.toContain("mcp-oauth-front-key");
    expect(resources(synth, "random_password")).toHaveLength(1);
  });

  it("turns the front on with its client id and the app identity's client id for the federated assertion", () => {
    const env = envOf(synthApp({ oauthFrontEnabled: true, oauthFrontClientId: CLIENT_ID }));
    expect(env).toMatchObject({
      MCP_OAUTH_FRONT: "on",
      MCP_OAUTH_FRONT_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_ID: referenceTo("azurerm_user_assigned_identity", "client_id"),
    });
    expect(env).not.toHaveProperty("MCP_OAUTH_FRONT_CLIENT_SECRET");
  });

  it("generates MCP_OAUTH_FRONT_KEY with random_password, shared by every replica, and passes it by secretRef only", () => {
    const synth = synthApp({ oauthFrontEnabled: true, oauthFrontClientId: CLIENT_ID });
    expect(envOf(synth).MCP_OAUTH_FRONT_KEY).toEqual({ secretRef: "mcp-oauth-front-key" });
    const passwords = JSON.parse(synth) as { resource: { random_password: Record<string, object> } };
    const frontKey = Object.keys(passwords.resource.random_password).find((key) =>
      key.includes("OauthFrontKey"),
    );
    expect(passwords.resource.random_password[frontKey!]).toEqual({ length: 64, special: false });
    expect(secretsOf(synth)).toContainEqual({
      name: "mcp-oauth-front-key",
      value: `\${random_password.${frontKey}.result}`,
    });
  });

  it("reads MCP_OAUTH_FRONT_KEY from Key Vault when oauthFrontKey is given, generating no front key", () => {
    const synth = synthApp({
      oauthFrontEnabled: true,
      oauthFrontClientId: CLIENT_ID,
      oauthFrontKey: { keyVaultSecretId: FRONT_KEY_VAULT_ID },
    });
    expect(secretsOf(synth)).toContainEqual({
      name: "mcp-oauth-front-key",
      key_vault_secret_id: FRONT_KEY_VAULT_ID,
      identity: referenceTo("azurerm_user_assigned_identity", "id"),
    });
    expect(resources(synth, "random_password")).toHaveLength(1);
  });

  it("names the redirect URI the front's Entra client registers: the public URL and the callback path", () => {
    Testing.synthScope((scope) => {
      const withDomain = app(scope, { customDomainHostName: "mcp.example.com" });
      expect(withDomain.oauthFrontRedirectUri).toBe(`https://mcp.example.com${OAUTH_FRONT_CALLBACK_PATH}`);
    });
    expect(OAUTH_FRONT_CALLBACK_PATH).toBe("/oauth/callback");
  });

  it.each([
    [
      "the app is not in entra mode",
      {
        authMode: "apikey" as const,
        secrets: { "mcp-api-keys": { keyVaultSecretId: "https://kv-test.vault.azure.net/secrets/k" } },
        secretEnvironmentVariables: { MCP_API_KEYS: "mcp-api-keys" },
        oauthFrontEnabled: true,
        oauthFrontClientId: CLIENT_ID,
      },
      "McpContainerApp 'stack/Server': oauthFrontEnabled needs authMode 'entra' (got authMode='apikey'): the front signs users in at Entra ID",
    ],
    [
      "the front has no client id",
      { oauthFrontEnabled: true },
      "McpContainerApp 'stack/Server': oauthFrontEnabled needs oauthFrontClientId, the Entra client the front signs users in with, e.g. McpEntraApp.clientId (got undefined)",
    ],
    [
      "the client id is not a GUID",
      { oauthFrontEnabled: true, oauthFrontClientId: "my-app" },
      "McpContainerApp 'stack/Server': oauthFrontClientId must be a GUID (got 'my-app')",
    ],
    [
      "a front setting is given without the front",
      { oauthFrontKey: { keyVaultSecretId: FRONT_KEY_VAULT_ID } },
      "McpContainerApp 'stack/Server': oauthFrontKey is set but oauthFrontEnabled is not true; turn the front on or remove oauthFrontKey",
    ],
    [
      "the front key is a plain value",
      {
        oauthFrontEnabled: true,
        oauthFrontClientId: CLIENT_ID,
        oauthFrontKey: { value: "k".repeat(64) } as unknown as KeyVaultSecretReference,
      },
      `McpContainerApp 'stack/Server': oauthFrontKey must be a Key Vault reference ({ keyVaultSecretId }) (got ["value"]); plain secret values are refused`,
    ],
    [
      "a front variable is set by hand",
      { environmentVariables: { MCP_OAUTH_FRONT: "on" } },
      "McpContainerApp 'stack/Server': environment variable MCP_OAUTH_FRONT is set by McpContainerApp from its props; remove it",
    ],
  ])("fails when %s", (_label, props, message) => {
    expect(() => synthApp(props)).toThrow(message);
  });
});

describe("McpEntraApp.addOauthFront", () => {
  function withFront(redirectUri = "https://mcp.example.com/oauth/callback"): string {
    return Testing.synthScope((scope) => {
      const server = app(scope);
      const entra = new McpEntraApp(scope, "Api", { displayName: "mcp-test-server" });
      entra.addOauthFront({ redirectUri, identity: server.identity });
    });
  }

  it("registers the front's callback on the API registration's web platform", () => {
    expect(withFront()).toHaveResourceWithProperties(Application, {
      web: { redirect_uris: ["https://mcp.example.com/oauth/callback"] },
    });
  });

  it("trusts the app's managed identity as a federated credential, so no client secret exists", () => {
    const synth = withFront();
    expect(synth).toHaveResourceWithProperties(ApplicationFederatedIdentityCredential, {
      application_id: referenceTo("azuread_application", "id"),
      issuer: expect.stringMatching(
        /^https:\/\/login\.microsoftonline\.com\/\$\{azuread_service_principal\.\w+\.application_tenant_id\}\/v2\.0$/,
      ),
      subject: referenceTo("azurerm_user_assigned_identity", "principal_id"),
      audiences: ["api://AzureADTokenExchange"],
    });
    expect(resources(synth, "azuread_application_password")).toEqual([]);
    expect(synth).not.toMatch(/client_secret|"password"/);
  });

  it("leaves the registration without a web platform or credential when the front is not added", () => {
    const synth = Testing.synthScope((scope) => {
      new McpEntraApp(scope, "Api", { displayName: "mcp-test-server" });
    });
    expect(resources(synth, "azuread_application")[0]).not.toHaveProperty("web");
    expect(resources(synth, "azuread_application_federated_identity_credential")).toEqual([]);
  });

  it.each(["http://mcp.example.com/oauth/callback", "https://mcp.example.com/cb#frag", "oauth/callback"])(
    "fails when the redirect URI is %s",
    (redirectUri) => {
      expect(() => withFront(redirectUri)).toThrow(
        `McpEntraApp 'stack/Api': addOauthFront redirectUri must be an https URL, or http://localhost / http://127.0.0.1 for a local server, without a fragment (got "${redirectUri}")`,
      );
    },
  );

  it("fails when it is called twice", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const server = app(scope);
        const entra = new McpEntraApp(scope, "Api", { displayName: "mcp-test-server" });
        entra.addOauthFront({ redirectUri: server.oauthFrontRedirectUri, identity: server.identity });
        entra.addOauthFront({ redirectUri: server.oauthFrontRedirectUri, identity: server.identity });
      }),
    ).toThrow(
      "McpEntraApp 'stack/Api': addOauthFront was called already; a registration serves one authorization front",
    );
  });
});
