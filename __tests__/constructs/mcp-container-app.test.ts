import { TerraformOutput, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { BundledServerImage } from "../../constructs/bundled-server-image";
import { ContainerRegistry } from "../../constructs/container-registry";
import {
  KeyVaultSecretReference,
  McpContainerApp,
  McpContainerAppProps,
} from "../../constructs/mcp-container-app";
import { ServerImage } from "../../constructs/server-image";
import { API_KEY_HEADERS } from "../../server/auth/api-key-authenticator";
import { CORS_EXPOSED_HEADERS as SERVER_EXPOSED_HEADERS } from "../../server/auth/cors";
import { buildContext, placement, referenceTo, resources, testEnvironment } from "./support/common";
import { headersSentByModernClient } from "./support/modern-client-headers";

const IMAGE = "example.azurecr.io/mcp-server:1.2.3";
const VAULT_SECRET = "https://kv-test.vault.azure.net/secrets/mcp-api-keys";
/** The generated MCP_REQUEST_STATE_KEY: a reference to random_password's result, never a value. */
const REQUEST_STATE_KEY_SECRET = {
  name: "mcp-request-state-key",
  value: referenceTo("random_password", "result"),
};
type Overrides = Partial<Omit<McpContainerAppProps, "environment">> & {
  applicationInsightsEnabled?: boolean;
};

function build(scope: Construct, overrides: Overrides = {}): McpContainerApp {
  const { applicationInsightsEnabled, ...props } = overrides;
  return new McpContainerApp(scope, "Server", {
    ...placement,
    environment: testEnvironment(scope, { applicationInsightsEnabled }),
    name: "ca-test",
    image: ServerImage.fromReference(IMAGE),
    authMode: "entra",
    entraTenantId: "11111111-1111-1111-1111-111111111111",
    entraAudiences: ["api://mcp-test", "22222222-2222-2222-2222-222222222222"],
    ...props,
  });
}

function synthApp(overrides: Overrides = {}): string {
  return Testing.synthScope((scope) => {
    build(scope, overrides);
  });
}

function theApp(synth: string): Record<string, unknown> {
  const [app] = resources(synth, "azurerm_container_app");
  return app;
}

function container(synth: string): Record<string, unknown> {
  const template = theApp(synth).template as { container: Record<string, unknown>[] };
  return template.container[0];
}

function envOf(synth: string): Record<string, unknown> {
  const entries = container(synth).env as { name: string; value?: string; secret_name?: string }[];
  return Object.fromEntries(
    entries.map((entry) => [entry.name, entry.value ?? { secretRef: entry.secret_name }]),
  );
}

function failure(overrides: Overrides): () => void {
  return () => synthApp(overrides);
}

describe("McpContainerApp", () => {
  it("creates a user-assigned identity and runs the app as it", () => {
    const synth = synthApp();
    expect(synth).toHaveResourceWithProperties(UserAssignedIdentity, {
      name: "id-ca-test",
      location: "northeurope",
    });
    expect(theApp(synth)).toMatchObject({
      name: "ca-test",
      resource_group_name: "rg-test",
      revision_mode: "Single",
      container_app_environment_id: referenceTo("azurerm_container_app_environment", "id"),
      identity: { type: "UserAssigned", identity_ids: [referenceTo("azurerm_user_assigned_identity", "id")] },
    });
  });

  it("uses a given identity instead of creating one", () => {
    const synth = Testing.synthScope((scope) => {
      const identity = new UserAssignedIdentity(scope, "Mine", { ...placement, name: "id-mine" });
      build(scope, { identity });
    });
    expect(resources(synth, "azurerm_user_assigned_identity")).toEqual([
      expect.objectContaining({ name: "id-mine" }),
    ]);
  });

  it("grants AcrPull to the identity before the app exists and pulls with that identity", () => {
    const synth = Testing.synthScope((scope) => {
      const registry = new ContainerRegistry(scope, "Registry", placement);
      build(scope, { registry });
    });
    const app = theApp(synth);
    expect(app.registry).toEqual([
      {
        server: referenceTo("azurerm_container_registry", "login_server"),
        identity: referenceTo("azurerm_user_assigned_identity", "id"),
      },
    ]);
    const [acrPullAddress] = Object.keys(JSON.parse(synth).resource.azurerm_role_assignment);
    const [waitAddress] = Object.keys(JSON.parse(synth).resource.time_sleep);
    expect(app.depends_on).toEqual([`time_sleep.${waitAddress}`]);
    expect(resources(synth, "azurerm_role_assignment")).toEqual([
      expect.objectContaining({
        role_definition_name: "AcrPull",
        principal_id: referenceTo("azurerm_user_assigned_identity", "principal_id"),
      }),
    ]);
    // The wait starts when the assignment exists and runs again only if the assignment is replaced.
    expect(resources(synth, "time_sleep")).toEqual([
      {
        create_duration: "60s",
        triggers: { role_assignment_id: `\${azurerm_role_assignment.${acrPullAddress}.id}` },
      },
    ]);
  });

  it("adds a time provider once per stack for the AcrPull wait, and none without a registry", () => {
    const twoApps = Testing.synthScope((scope) => {
      const registry = new ContainerRegistry(scope, "Registry", placement);
      build(scope, { registry });
      build(new Construct(scope, "Second"), { registry, name: "ca-second" });
    });
    expect(JSON.parse(twoApps).provider.time).toHaveLength(1);
    expect(resources(twoApps, "time_sleep")).toHaveLength(2);
    const noRegistry = JSON.parse(synthApp());
    expect(noRegistry.provider?.time).toBeUndefined();
    expect(noRegistry.resource.time_sleep).toBeUndefined();
  });

  it("depends on the bundled image build and runs its content-hash tag", () => {
    const synth = Testing.synthScope((scope) => {
      const registry = new ContainerRegistry(scope, "Registry", placement);
      const image = new BundledServerImage(scope, "Image", { registry, contextDirectory: buildContext() });
      build(scope, { registry, image });
    });
    const [buildAddress] = Object.keys(JSON.parse(synth).resource.terraform_data);
    expect(theApp(synth).depends_on).toContain(`terraform_data.${buildAddress}`);
    expect(container(synth).image).toMatch(/login_server\}\/mcp-server:[0-9a-f]{16}$/);
  });

  it("runs 0.5 vCPU / 1Gi, 1 to 10 replicas, scaling at 50 concurrent requests by default", () => {
    const synth = synthApp();
    expect(container(synth)).toMatchObject({ name: "mcp-server", image: IMAGE, cpu: 0.5, memory: "1Gi" });
    expect(theApp(synth).template).toMatchObject({
      min_replicas: 1,
      max_replicas: 10,
      http_scale_rule: [{ name: "http-concurrency", concurrent_requests: "50" }],
    });
  });

  it("takes cpu, memory and scaling from props", () => {
    const synth = synthApp({
      cpu: 1.25,
      memory: "2.5Gi",
      minReplicas: 0,
      maxReplicas: 300,
      concurrentRequests: 20,
    });
    expect(container(synth)).toMatchObject({ cpu: 1.25, memory: "2.5Gi" });
    expect(theApp(synth).template).toMatchObject({
      min_replicas: 0,
      max_replicas: 300,
      http_scale_rule: [{ concurrent_requests: "20" }],
    });
  });

  it("accepts a name of exactly 32 characters, the Container Apps limit", () => {
    const name = `ca-${"x".repeat(28)}z`;
    expect(name).toHaveLength(32);
    expect(theApp(synthApp({ name })).name).toBe(name);
  });

  it("gives the replica 30 s between SIGTERM and SIGKILL, more than the server's 25 s drain", () => {
    expect(theApp(synthApp()).template).toMatchObject({ termination_grace_period_seconds: 30 });
  });

  it("exposes external HTTPS-only ingress on port 8000 with all traffic on the latest revision", () => {
    expect(theApp(synthApp()).ingress).toMatchObject({
      external_enabled: true,
      allow_insecure_connections: false,
      target_port: 8000,
      transport: "auto",
      traffic_weight: [{ latest_revision: true, percentage: 100 }],
    });
  });

  it("has no CORS policy unless origins are given", () => {
    expect(theApp(synthApp()).ingress).not.toHaveProperty("cors");
    expect(envOf(synthApp())).not.toHaveProperty("MCP_ALLOWED_ORIGINS");
  });

  it("allows the named CORS origins with the MCP methods and headers, and tells the server", () => {
    const synth = synthApp({ corsAllowedOrigins: ["https://vscode.dev", "http://localhost:6274"] });
    expect(theApp(synth).ingress).toMatchObject({
      cors: {
        allowed_origins: ["https://vscode.dev", "http://localhost:6274"],
        allow_credentials_enabled: false,
        allowed_methods: ["GET", "POST", "DELETE", "OPTIONS"],
        allowed_headers: [
          "Content-Type",
          "Authorization",
          "Mcp-Session-Id",
          "Mcp-Protocol-Version",
          "Mcp-Method",
          "Mcp-Name",
          "Last-Event-ID",
          "api-key",
          "x-api-key",
        ],
        exposed_headers: ["Mcp-Session-Id", "WWW-Authenticate", "Mcp-Protocol-Version"],
      },
    });
    expect(envOf(synth).MCP_ALLOWED_ORIGINS).toBe("https://vscode.dev,http://localhost:6274");
  });

  it("lets browsers send every header the server reads a credential from and read every header it exposes", () => {
    const cors = (
      theApp(synthApp({ corsAllowedOrigins: ["https://vscode.dev"] })).ingress as {
        cors: { allowed_headers: string[]; exposed_headers: string[] };
      }
    ).cors;
    expect(cors.allowed_headers).toEqual(expect.arrayContaining(["Authorization", ...API_KEY_HEADERS]));
    expect(cors.exposed_headers).toEqual(expect.arrayContaining([...SERVER_EXPOSED_HEADERS]));
  });

  it("lets browsers send every header a 2026-07-28 SDK client sends to the server", async () => {
    const sent = await headersSentByModernClient();
    const cors = (
      theApp(synthApp({ corsAllowedOrigins: ["https://vscode.dev"] })).ingress as {
        cors: { allowed_headers: string[] };
      }
    ).cors;
    expect(sent).toEqual(expect.arrayContaining(["mcp-method", "mcp-name", "mcp-protocol-version"]));
    // Accept is CORS-safelisted: a browser sends it without a preflight grant.
    const needsGrant = sent.filter((name) => name !== "accept");
    expect(cors.allowed_headers.map((name) => name.toLowerCase())).toEqual(
      expect.arrayContaining(needsGrant),
    );
  });

  it("allows any origin only when '*' is asked for, without credentials", () => {
    const synth = synthApp({ corsAllowedOrigins: ["*"] });
    expect(theApp(synth).ingress).toMatchObject({
      cors: { allowed_origins: ["*"], allow_credentials_enabled: false },
    });
    expect(envOf(synth)).not.toHaveProperty("MCP_ALLOWED_ORIGINS");
  });

  it("restricts ingress to allowed IP ranges", () => {
    const synth = synthApp({ allowedIpAddressRanges: { office: "203.0.113.0/24", vpn: "198.51.100.7" } });
    expect(theApp(synth).ingress).toMatchObject({
      ip_security_restriction: [
        { name: "office", ip_address_range: "203.0.113.0/24", action: "Allow" },
        { name: "vpn", ip_address_range: "198.51.100.7", action: "Allow" },
      ],
    });
  });

  it("probes /healthz for liveness and startup and /readyz for readiness on the target port", () => {
    expect(container(synthApp())).toMatchObject({
      liveness_probe: [
        {
          transport: "HTTP",
          port: 8000,
          path: "/healthz",
          interval_seconds: 10,
          timeout: 5,
          failure_count_threshold: 3,
        },
      ],
      readiness_probe: [
        {
          transport: "HTTP",
          port: 8000,
          path: "/readyz",
          interval_seconds: 5,
          timeout: 3,
          failure_count_threshold: 3,
        },
      ],
      startup_probe: [
        {
          transport: "HTTP",
          port: 8000,
          path: "/healthz",
          interval_seconds: 3,
          timeout: 3,
          failure_count_threshold: 20,
        },
      ],
    });
  });

  it("tunes probes from props", () => {
    const synth = synthApp({
      targetPort: 9000,
      livenessProbe: { intervalSeconds: 30 },
      readinessProbe: { path: "/ready", failureCountThreshold: 5 },
      startupProbe: { initialDelaySeconds: 10, timeoutSeconds: 2 },
    });
    expect(container(synth)).toMatchObject({
      liveness_probe: [{ path: "/healthz", port: 9000, interval_seconds: 30 }],
      readiness_probe: [{ path: "/ready", failure_count_threshold: 5 }],
      startup_probe: [{ initial_delay: 10, timeout: 2 }],
    });
    expect(theApp(synth).ingress).toMatchObject({ target_port: 9000 });
    expect(envOf(synth).PORT).toBe("9000");
  });

  it("wires the server's environment: auth, public URL from the environment's default domain, identity, workspace", () => {
    const env = envOf(synthApp());
    expect(env).toMatchObject({
      PORT: "8000",
      MCP_TRANSPORT: "http",
      AUTH_MODE: "entra",
      AZURE_TENANT_ID: "11111111-1111-1111-1111-111111111111",
      MCP_AUDIENCE: "api://mcp-test,22222222-2222-2222-2222-222222222222",
      MCP_PUBLIC_URL: expect.stringMatching(
        /^https:\/\/ca-test\.\$\{azurerm_container_app_environment\.\w+\.default_domain\}$/,
      ),
      MCP_ALLOWED_HOSTS: expect.stringMatching(
        /^ca-test\.\$\{azurerm_container_app_environment\.\w+\.default_domain\}$/,
      ),
      MCP_SESSION_MODE: "stateless",
      MCP_TRUSTED_PROXY_HOPS: "1",
      AZURE_CLIENT_ID: referenceTo("azurerm_user_assigned_identity", "client_id"),
      LOG_ANALYTICS_WORKSPACE_ID: referenceTo("azurerm_log_analytics_workspace", "workspace_id"),
    });
    expect(env).not.toHaveProperty("APPLICATIONINSIGHTS_CONNECTION_STRING");
    expect(env).not.toHaveProperty("MCP_ALLOW_UNAUTHENTICATED");
  });

  it("passes the Application Insights connection string as a secret reference, never as a plain value", () => {
    const synth = synthApp({ applicationInsightsEnabled: true });
    expect(envOf(synth).APPLICATIONINSIGHTS_CONNECTION_STRING).toEqual({
      secretRef: "appinsights-connection-string",
    });
    expect(theApp(synth).secret).toEqual([
      {
        name: "appinsights-connection-string",
        value: referenceTo("azurerm_application_insights", "connection_string"),
      },
      REQUEST_STATE_KEY_SECRET,
    ]);
  });

  it("generates MCP_REQUEST_STATE_KEY with random_password and passes it by secretRef only", () => {
    const synth = synthApp();
    expect(envOf(synth).MCP_REQUEST_STATE_KEY).toEqual({ secretRef: "mcp-request-state-key" });
    expect(theApp(synth).secret).toEqual([REQUEST_STATE_KEY_SECRET]);
    expect(resources(synth, "random_password")).toEqual([
      expect.objectContaining({ length: 64, special: false }),
    ]);
  });

  it("adds the stack's random provider once, and reuses one the stack has", () => {
    const stack = new TerraformStack(Testing.app(), "random-provider");
    build(stack);
    build(new Construct(stack, "Second"));
    const config = JSON.parse(Testing.synth(stack)) as { provider?: Record<string, unknown[]> };
    expect(config.provider?.random).toHaveLength(1);
    expect(resources(Testing.synth(stack), "random_password")).toHaveLength(2);
  });

  it("reads MCP_REQUEST_STATE_KEY from Key Vault when requestStateKey is given, generating nothing", () => {
    const keyId = "https://kv-test.vault.azure.net/secrets/mcp-request-state-key";
    const synth = synthApp({ requestStateKey: { keyVaultSecretId: keyId } });
    expect(theApp(synth).secret).toEqual([
      {
        name: "mcp-request-state-key",
        key_vault_secret_id: keyId,
        identity: referenceTo("azurerm_user_assigned_identity", "id"),
      },
    ]);
    expect(envOf(synth).MCP_REQUEST_STATE_KEY).toEqual({ secretRef: "mcp-request-state-key" });
    expect(resources(synth, "random_password")).toEqual([]);
  });

  it("turns legacy SSE off when the app may run several replicas", () => {
    expect(envOf(synthApp({ maxReplicas: 2 })).MCP_LEGACY_SSE).toBe("false");
  });

  it("keeps legacy SSE and allows stateful sessions on a single replica", () => {
    const env = envOf(synthApp({ maxReplicas: 1, sessionMode: "stateful" }));
    expect(env).toMatchObject({ MCP_LEGACY_SSE: "true", MCP_SESSION_MODE: "stateful" });
  });

  it("passes Key Vault secrets through the identity and exposes them as secretRef variables", () => {
    const synth = synthApp({
      authMode: "apikey",
      secrets: { "mcp-api-keys": { keyVaultSecretId: VAULT_SECRET } },
      secretEnvironmentVariables: { MCP_API_KEYS: "mcp-api-keys" },
      environmentVariables: { LOG_LEVEL: "debug" },
    });
    expect(theApp(synth).secret).toEqual([
      {
        name: "mcp-api-keys",
        key_vault_secret_id: VAULT_SECRET,
        identity: referenceTo("azurerm_user_assigned_identity", "id"),
      },
      REQUEST_STATE_KEY_SECRET,
    ]);
    const env = envOf(synth);
    expect(env).toMatchObject({
      AUTH_MODE: "apikey",
      MCP_API_KEYS: { secretRef: "mcp-api-keys" },
      LOG_LEVEL: "debug",
    });
    expect(env).not.toHaveProperty("AZURE_TENANT_ID");
  });

  it("trusts the ingress as one proxy hop, once, unless environmentVariables names another count", () => {
    const names = (synth: string) =>
      (container(synth).env as { name: string; value?: string }[]).filter(
        (e) => e.name === "MCP_TRUSTED_PROXY_HOPS",
      );
    expect(names(synthApp())).toEqual([{ name: "MCP_TRUSTED_PROXY_HOPS", value: "1" }]);
    const behindFrontDoor = synthApp({ environmentVariables: { MCP_TRUSTED_PROXY_HOPS: "2" } });
    expect(names(behindFrontDoor)).toEqual([{ name: "MCP_TRUSTED_PROXY_HOPS", value: "2" }]);
  });

  it("lets the server run unauthenticated only through authMode none", () => {
    expect(envOf(synthApp({ authMode: "none" }))).toMatchObject({
      AUTH_MODE: "none",
      MCP_ALLOW_UNAUTHENTICATED: "true",
    });
  });

  it("assigns roles to the app identity from roleAssignments and grant(), keyed for stable addresses", () => {
    const synth = Testing.synthScope((scope) => {
      const app = build(scope, {
        roleAssignments: {
          storage: {
            roleDefinitionIdOrName: "Storage Blob Data Reader",
            scope: "/subscriptions/s/resourceGroups/rg-data",
          },
        },
      });
      app.grant(
        "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
        "/subscriptions/s",
      );
      app.grant("Reader", "/subscriptions/s/resourceGroups/a", "reader-a");
    });
    const assignments = JSON.parse(synth).resource.azurerm_role_assignment as Record<
      string,
      Record<string, unknown>
    >;
    const byKey = Object.fromEntries(
      Object.entries(assignments).map(([address, config]) => [address.replace(/_[0-9A-F]{8}$/, ""), config]),
    );
    expect(byKey).toEqual({
      Server_RoleAssignments_storage: expect.objectContaining({
        role_definition_name: "Storage Blob Data Reader",
        scope: "/subscriptions/s/resourceGroups/rg-data",
        principal_id: referenceTo("azurerm_user_assigned_identity", "principal_id"),
      }),
      "Server_RoleAssignments_acdd72a7-3385-48ef-bd42-f606fba81ae7": expect.objectContaining({
        role_definition_id:
          "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7",
        scope: "/subscriptions/s",
      }),
      "Server_RoleAssignments_reader-a": expect.objectContaining({
        role_definition_name: "Reader",
        scope: "/subscriptions/s/resourceGroups/a",
      }),
    });
  });

  it("exposes the URL, FQDN and container app id for outputs and Easy Auth", () => {
    const synth = Testing.synthScope((scope) => {
      const app = build(scope);
      new TerraformOutput(scope, "url", { value: app.url });
      new TerraformOutput(scope, "app_id", { value: app.containerAppId });
      expect(app.legacySseEnabled).toBe(false);
    });
    const outputs = JSON.parse(synth).output as Record<string, { value: string }>;
    expect(outputs.url.value).toMatch(
      /^https:\/\/ca-test\.\$\{azurerm_container_app_environment\.\w+\.default_domain\}$/,
    );
    expect(outputs.app_id.value).toMatch(/^\$\{azurerm_container_app\.\w+\.id\}$/);
  });

  describe("fails when", () => {
    it.each([
      [
        { maxReplicas: 1, minReplicas: 3 },
        /maxReplicas must be >= minReplicas \(got minReplicas=3, maxReplicas=1\)/,
      ],
      [{ minReplicas: -1 }, /minReplicas must be an integer from 0 to 300 \(got -1\)/],
      [{ maxReplicas: 301 }, /maxReplicas must be an integer from 1 to 300 \(got 301\)/],
      [{ maxReplicas: 0, minReplicas: 0 }, /maxReplicas must be an integer from 1 to 300 \(got 0\)/],
      [{ concurrentRequests: 0 }, /concurrentRequests must be a positive integer \(got 0\)/],
      [{ cpu: 0.5, memory: "2Gi" }, /cpu and memory must be a Consumption pair.*\(got cpu=0.5, memory=2Gi\)/],
      [
        { cpu: 0.3, memory: "0.6Gi" },
        /cpu and memory must be a Consumption pair.*\(got cpu=0.3, memory=0.6Gi\)/,
      ],
      [{ cpu: 4.25, memory: "8.5Gi" }, /cpu and memory must be a Consumption pair/],
      [{ cpu: 1, memory: "2G" }, /cpu and memory must be a Consumption pair.*memory=2G\)/],
      [{ targetPort: 70000 }, /targetPort must be an integer from 1 to 65535 \(got 70000\)/],
      [{ name: "CA_Test" }, /name must be 2 to 32 lowercase letters.*\(got 'CA_Test'\)/],
      [{ name: "ca--test" }, /name must be 2 to 32 lowercase letters.*\(got 'ca--test'\)/],
      [{ name: `ca-${"x".repeat(30)}` }, /name must be 2 to 32 lowercase letters.*\(got 'ca-x{30}'\)/],
      [{ name: `ca-${"x".repeat(37)}` }, /name must be 2 to 32 lowercase letters.*\(got 'ca-x{37}'\)/],
      [
        { image: ServerImage.fromReference("example.azurecr.io/mcp-server") },
        /image reference must carry an explicit tag or digest/,
      ],
      [
        { image: ServerImage.fromReference("mcp-server:latest") },
        /image reference .* other than 'latest' \(got 'mcp-server:latest'\)/,
      ],
      [{ entraAudiences: [] }, /authMode 'entra' needs entraTenantId and at least one entraAudiences entry/],
      [{ entraTenantId: undefined }, /authMode 'entra' needs entraTenantId .*entraTenantId=undefined/],
      [{ authMode: "apikey" }, /authMode 'apikey' needs secretEnvironmentVariables.MCP_API_KEYS/],
      [{ authMode: "oauth" as "none" }, /authMode must be one of entra, apikey, none \(got 'oauth'\)/],
      [{ sessionMode: "stateful" }, /sessionMode 'stateful' needs maxReplicas=1 \(got maxReplicas=10\)/],
      [
        { sessionMode: "sticky" as "stateful", maxReplicas: 1 },
        /sessionMode must be 'stateless' or 'stateful' \(got 'sticky'\)/,
      ],
      [
        { legacySseEnabled: true, maxReplicas: 2 },
        /legacySseEnabled needs maxReplicas=1 \(got maxReplicas=2\)/,
      ],
      [
        { corsAllowedOrigins: ["*"], corsAllowCredentialsEnabled: true },
        /corsAllowedOrigins '\*' cannot be combined with corsAllowCredentialsEnabled=true/,
      ],
      [
        { corsAllowedOrigins: ["*", "https://a.example"] },
        /corsAllowedOrigins may hold '\*' only on its own/,
      ],
      [
        { corsAllowedOrigins: ["https://a.example/path"] },
        /corsAllowedOrigins entries must be scheme:\/\/host\[:port\] without a path \(got 'https:\/\/a.example\/path'\)/,
      ],
      [
        { allowedIpAddressRanges: { office: "10.0.0.0/33" } },
        /allowedIpAddressRanges.office must be an IPv4 address or CIDR range .*\(got '10.0.0.0\/33'\)/,
      ],
      [{ allowedIpAddressRanges: { office: "300.1.1.1" } }, /allowedIpAddressRanges.office must be an IPv4/],
      [
        { environmentVariables: { MCP_API_KEYS: "k1,k2" } },
        /environmentVariables.MCP_API_KEYS looks like a credential/,
      ],
      [
        { environmentVariables: { DB_PASSWORD: "hunter2" } },
        /environmentVariables.DB_PASSWORD looks like a credential/,
      ],
      [
        { environmentVariables: { AUTH_MODE: "none" } },
        /environment variable AUTH_MODE is set by McpContainerApp from its props/,
      ],
      [
        { secretEnvironmentVariables: { MCP_PUBLIC_URL: "x" } },
        /environment variable MCP_PUBLIC_URL is set by McpContainerApp/,
      ],
      [
        { secrets: { key: { value: "hunter2" } as unknown as KeyVaultSecretReference } },
        /secrets.key must be a Key Vault reference \(\{ keyVaultSecretId \}\); plain secret values are refused/,
      ],
      [
        { requestStateKey: { value: "k".repeat(40) } as unknown as KeyVaultSecretReference },
        /requestStateKey must be a Key Vault reference \(\{ keyVaultSecretId \}\) \(got \["value"\]\); plain secret values are refused/,
      ],
      [
        { secrets: { "mcp-request-state-key": { keyVaultSecretId: VAULT_SECRET } } },
        /secrets.mcp-request-state-key: .* not one of 'appinsights-connection-string', 'mcp-request-state-key'/,
      ],
      [
        { environmentVariables: { MCP_REQUEST_STATE_KEY: "x" } },
        /environment variable MCP_REQUEST_STATE_KEY is set by McpContainerApp from its props/,
      ],
      [
        {
          secrets: {
            key: { keyVaultSecretId: VAULT_SECRET, value: "hunter2" } as unknown as KeyVaultSecretReference,
          },
        },
        /secrets.key must be a Key Vault reference \(\{ keyVaultSecretId \}\); plain secret values are refused/,
      ],
      [
        { secrets: { Bad_Name: { keyVaultSecretId: VAULT_SECRET } } },
        /secrets.Bad_Name: the name must be lowercase/,
      ],
      [
        { secretEnvironmentVariables: { API_KEYS: "missing" } },
        /secretEnvironmentVariables.API_KEYS refers to secret 'missing', which is not in secrets/,
      ],
      [{ livenessProbe: { path: "healthz" } }, /livenessProbe.path must start with '\/' \(got 'healthz'\)/],
      [
        { readinessProbe: { intervalSeconds: 0 } },
        /readinessProbe.intervalSeconds must be an integer from 1 to 240 \(got 0\)/,
      ],
      [
        { startupProbe: { failureCountThreshold: 31 } },
        /startupProbe.failureCountThreshold must be an integer from 1 to 30 \(got 31\)/,
      ],
      [
        { livenessProbe: { initialDelaySeconds: 61 } },
        /livenessProbe.initialDelaySeconds must be an integer from 0 to 60/,
      ],
      [
        { readinessProbe: { timeoutSeconds: 241 } },
        /readinessProbe.timeoutSeconds must be an integer from 1 to 240/,
      ],
    ] as [Overrides, RegExp][])("%j", (overrides, message) => {
      expect(failure(overrides)).toThrow(message);
      expect(failure(overrides)).toThrow(/^McpContainerApp 'stack\/Server': /);
    });

    it("grant reuses a key", () => {
      expect(() =>
        Testing.synthScope((scope) => {
          const app = build(scope);
          app.grant("Reader", "/subscriptions/s/resourceGroups/a");
          app.grant("Reader", "/subscriptions/s/resourceGroups/b");
        }),
      ).toThrow(/grant: a role assignment keyed 'Reader' exists already; pass a distinct key/);
    });
  });
});
