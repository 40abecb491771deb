import { Aspects, Lazy, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { ContainerApp, ContainerAppTemplateContainerEnv } from "@cdktf/provider-azurerm/lib/container-app";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ContainerRegistry as AzurermContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import { AzapiProvider } from "../../constructs/azapi/provider";
import { AzapiResource } from "../../constructs/azapi/resource";
import { McpContainerApp, McpContainerAppProps } from "../../constructs/mcp-container-app";
import { McpEasyAuth } from "../../constructs/mcp-easy-auth";
import { McpPolicyChecks } from "../../constructs/mcp-policy-checks";
import { ServerImage } from "../../constructs/server-image";
import { placement, testEnvironment } from "./support/common";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0b5a1c6e-8d55-4c3c-9c1e-2f3a4b5c6d7e";

function stackWith(build: (stack: TerraformStack) => void): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "policy");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  new AzapiProvider(stack, "azapi");
  Aspects.of(stack).add(new McpPolicyChecks());
  build(stack);
  return stack;
}

function appIn(stack: TerraformStack, props: Partial<McpContainerAppProps> = {}): McpContainerApp {
  return new McpContainerApp(stack, "Server", {
    ...placement,
    environment: testEnvironment(stack),
    name: "ca-policy",
    image: ServerImage.fromReference("example.azurecr.io/mcp:1"),
    authMode: "entra",
    entraTenantId: "t",
    entraAudiences: ["api://x"],
    ...props,
  });
}

/** An app with the real Easy Auth construct in front of it. */
function protectedApp(stack: TerraformStack, props: Partial<McpContainerAppProps> = {}): McpContainerApp {
  const app = appIn(stack, props);
  easyAuthFor(stack, app.containerAppId);
  return app;
}

/** The real Easy Auth construct in front of the container app `containerAppResourceId`. */
function easyAuthFor(scope: Construct, containerAppResourceId: string): McpEasyAuth {
  return new McpEasyAuth(scope, "EasyAuth", {
    containerAppResourceId,
    clientId: CLIENT,
    tenantId: TENANT,
  });
}

/** A container app that is not an McpContainerApp: only the `env` and `max_replicas` the checks read. */
function plainApp(
  scope: Construct,
  env: ContainerAppTemplateContainerEnv[],
  maxReplicas?: number,
): ContainerApp {
  return new ContainerApp(scope, "Plain", {
    name: "ca-plain",
    resourceGroupName: "rg-test",
    containerAppEnvironmentId:
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/cae",
    revisionMode: "Single",
    template: {
      maxReplicas,
      container: [{ name: "mcp", image: "example.azurecr.io/mcp:1", cpu: 0.25, memory: "0.5Gi", env }],
    },
  });
}

/** Messages annotated on any construct of the stack, after aspects ran, by level. */
function annotations(stack: TerraformStack, level: "error" | "warning"): string[] {
  Testing.synth(stack);
  const type = level === "error" ? "@cdktf/error" : "@cdktf/warn";
  return stack.node
    .findAll()
    .flatMap((node: IConstruct) => node.node.metadata.filter((entry) => entry.type === type))
    .map((entry) => String(entry.data));
}

describe("McpPolicyChecks", () => {
  it("passes a compliant app with Easy Auth: no errors, no warnings", () => {
    const stack = stackWith((s) => {
      protectedApp(s);
    });
    expect(annotations(stack, "error")).toEqual([]);
    expect(annotations(stack, "warning")).toEqual([]);
    expect(() => Testing.fullSynth(stack)).not.toThrow();
  });

  it("makes synth fail on an error: cdktf aborts on error annotations", () => {
    const stack = stackWith((s) => {
      new AzurermContainerRegistry(s, "Acr", {
        ...placement,
        name: "acrx",
        sku: "Basic",
        adminEnabled: true,
      });
    });
    expect(() => Testing.fullSynth(stack)).toThrow(/admin_enabled must be false/);
  });

  it("fails a registry with the admin user enabled", () => {
    const stack = stackWith((s) => {
      new AzurermContainerRegistry(s, "Acr", {
        ...placement,
        name: "acrx",
        sku: "Basic",
        adminEnabled: true,
      });
    });
    expect(annotations(stack, "error")).toEqual([expect.stringContaining("admin_enabled must be false")]);
  });

  it("fails insecure ingress set through an escape hatch", () => {
    const stack = stackWith((s) => {
      protectedApp(s).resource.addOverride("ingress.allow_insecure_connections", true);
    });
    expect(annotations(stack, "error")).toEqual([
      expect.stringContaining("allow_insecure_connections must be false"),
    ]);
  });

  it("fails wildcard CORS with credentials", () => {
    const stack = stackWith((s) => {
      const app = protectedApp(s, { corsAllowedOrigins: ["*"] });
      app.resource.addOverride("ingress.cors.allow_credentials_enabled", true);
    });
    expect(annotations(stack, "error")).toEqual([
      expect.stringContaining("CORS allows origin '*' with credentials"),
    ]);
  });

  it("fails plain secret values in secrets and in secret-looking environment variables", () => {
    const stack = stackWith((s) => {
      const app = protectedApp(s);
      app.resource.addOverride("secret", [{ name: "db", value: "hunter2" }]);
      app.resource.addOverride("template.container.0.env.0", { name: "MCP_API_KEYS", value: "k1,k2" });
    });
    expect(annotations(stack, "error")).toEqual(
      expect.arrayContaining([
        expect.stringContaining("secret 'db' holds a plain value"),
        expect.stringContaining("environment variable MCP_API_KEYS holds a plain value"),
      ]),
    );
  });

  it("accepts secret values that are Terraform references", () => {
    const stack = stackWith((s) => {
      const env = testEnvironment(s, { applicationInsightsEnabled: true });
      const app = new McpContainerApp(s, "Server", {
        ...placement,
        environment: env,
        name: "ca-policy",
        image: ServerImage.fromReference("example.azurecr.io/mcp:1"),
        authMode: "entra",
        entraTenantId: "t",
        entraAudiences: ["api://x"],
      });
      easyAuthFor(s, app.containerAppId);
    });
    expect(annotations(stack, "error")).toEqual([]);
  });

  it("fails stateful sessions on several replicas", () => {
    const stack = stackWith((s) => {
      const app = protectedApp(s, { maxReplicas: 1, sessionMode: "stateful", legacySseEnabled: false });
      app.resource.addOverride("template.max_replicas", 5);
    });
    expect(annotations(stack, "error")).toEqual([
      expect.stringContaining("MCP_SESSION_MODE=stateful with max_replicas > 1"),
    ]);
  });

  it("fails legacy SSE on several replicas", () => {
    const stack = stackWith((s) => {
      const app = protectedApp(s, { maxReplicas: 1 });
      app.resource.addOverride("template.max_replicas", 3);
    });
    expect(annotations(stack, "error")).toEqual([expect.stringContaining("legacy SSE is on")]);
  });

  it("treats an unset max_replicas as the platform default of 10: stateful sessions and legacy SSE fail", () => {
    const stack = stackWith((s) => {
      const app = plainApp(s, [
        { name: "AUTH_MODE", value: "entra" },
        { name: "MCP_SESSION_MODE", value: "stateful" },
      ]);
      easyAuthFor(s, app.id);
    });
    expect(annotations(stack, "error")).toEqual([
      expect.stringContaining("MCP_SESSION_MODE=stateful with max_replicas > 1"),
      expect.stringContaining("legacy SSE is on"),
    ]);
  });

  it("treats a max_replicas known only at deploy time (a token) as several replicas", () => {
    const stack = stackWith((s) => {
      const maxReplicas = new TerraformVariable(s, "max_replicas", { type: "number" });
      const app = protectedApp(s, { maxReplicas: 1, sessionMode: "stateful" });
      app.resource.addOverride("template.max_replicas", maxReplicas.numberValue);
    });
    expect(annotations(stack, "error")).toEqual([
      expect.stringContaining("MCP_SESSION_MODE=stateful with max_replicas > 1"),
      expect.stringContaining("legacy SSE is on"),
    ]);
  });

  it("warns on a missing AUTH_MODE: the server then runs with none", () => {
    const stack = stackWith((s) => {
      const app = plainApp(s, [{ name: "MCP_LEGACY_SSE", value: "false" }], 1);
      easyAuthFor(s, app.id);
    });
    expect(annotations(stack, "warning")).toEqual([expect.stringContaining("AUTH_MODE is none")]);
    expect(annotations(stack, "error")).toEqual([]);
  });

  it("warns on AUTH_MODE=none", () => {
    const stack = stackWith((s) => {
      protectedApp(s, { authMode: "none" });
    });
    expect(annotations(stack, "warning")).toEqual([expect.stringContaining("AUTH_MODE is none")]);
    expect(annotations(stack, "error")).toEqual([]);
  });

  it("accepts Easy Auth whose parent is the app and warns for an app whose Easy Auth belongs to another app", () => {
    const stack = stackWith((s) => {
      const app = appIn(s);
      const other = new McpContainerApp(s, "Other", {
        ...placement,
        environment: testEnvironment(new Construct(s, "OtherEnv")),
        name: "ca-other",
        image: ServerImage.fromReference("example.azurecr.io/mcp:1"),
        authMode: "entra",
        entraTenantId: "t",
        entraAudiences: ["api://x"],
      });
      easyAuthFor(s, app.containerAppId);
      expect(other.node.path).toBe("policy/Other");
    });
    expect(annotations(stack, "warning")).toEqual([expect.stringContaining("no Easy Auth")]);
    const warned = stack.node
      .findAll()
      .filter((node) => node.node.metadata.some((entry) => String(entry.data).includes("no Easy Auth")));
    expect(warned.map((node) => node.node.path)).toEqual(["policy/Other/Resource"]);
  });

  it("leaves container apps that are not MCP servers to other checks", () => {
    const stack = stackWith((s) => {
      plainApp(s, [{ name: "LOG_LEVEL", value: "info" }]);
    });
    expect(annotations(stack, "warning")).toEqual([]);
    expect(annotations(stack, "error")).toEqual([]);
  });

  it("resolves tokens before judging values: a literal behind a token is still a plain secret", () => {
    const stack = stackWith((s) => {
      const app = protectedApp(s);
      app.resource.addOverride("secret", [
        { name: "db", value: Token.asString(Lazy.stringValue({ produce: () => "hunter2" })) },
      ]);
    });
    expect(annotations(stack, "error")).toEqual([expect.stringContaining("secret 'db' holds a plain value")]);
  });

  it("warns when no Easy Auth authConfigs resource is in the stack", () => {
    const stack = stackWith((s) => {
      appIn(s);
      new AzapiResource(s, "Other", {
        type: "Microsoft.App/containerApps@2025-01-01",
        name: "ca-policy",
        parentId: "/subscriptions/s/resourceGroups/rg-test",
      });
    });
    expect(annotations(stack, "warning")).toEqual([expect.stringContaining("no Easy Auth")]);
  });

  it("does not warn about Easy Auth for an app serving the authorization front, which Easy Auth would break", () => {
    const stack = stackWith((s) => {
      appIn(s, { oauthFrontEnabled: true, oauthFrontClientId: CLIENT });
    });
    expect(annotations(stack, "warning")).toEqual([]);
  });
});
