import { Aspects, Lazy, TerraformResource, TerraformStack, Testing, Token } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { ContainerApp } from "@cdktf/provider-azurerm/lib/container-app";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ContainerRegistry as AzurermContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import { McpContainerApp, McpContainerAppProps } from "../../constructs/mcp-container-app";
import { McpPolicyChecks } from "../../constructs/mcp-policy-checks";
import { ServerImage } from "../../constructs/server-image";
import { placement, testEnvironment } from "./fixtures";

/** Stands in for the azapi binding's resource: only its Terraform type and `type` attribute matter here. */
class AzapiResourceStandIn extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly armType: string,
    private readonly parentId?: string,
  ) {
    super(scope, id, { terraformResourceType: "azapi_resource" });
  }
  protected synthesizeAttributes(): Record<string, unknown> {
    return { type: this.armType, name: "current", parent_id: this.parentId };
  }
}

function stackWith(build: (stack: TerraformStack) => void): TerraformStack {
  const stack = new TerraformStack(Testing.app(), "policy");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
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

function withEasyAuth(stack: TerraformStack): void {
  new AzapiResourceStandIn(stack, "EasyAuth", "Microsoft.App/containerApps/authConfigs@2025-01-01");
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
      appIn(s);
      withEasyAuth(s);
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
      appIn(s).resource.addOverride("ingress.allow_insecure_connections", true);
      withEasyAuth(s);
    });
    expect(annotations(stack, "error")).toEqual([
      expect.stringContaining("allow_insecure_connections must be false"),
    ]);
  });

  it("fails wildcard CORS with credentials", () => {
    const stack = stackWith((s) => {
      const app = appIn(s, { corsAllowedOrigins: ["*"] });
      app.resource.addOverride("ingress.cors.allow_credentials_enabled", true);
      withEasyAuth(s);
    });
    expect(annotations(stack, "error")).toEqual([
      expect.stringContaining("CORS allows origin '*' with credentials"),
    ]);
  });

  it("fails plain secret values in secrets and in secret-looking environment variables", () => {
    const stack = stackWith((s) => {
      const app = appIn(s);
      app.resource.addOverride("secret", [{ name: "db", value: "hunter2" }]);
      app.resource.addOverride("template.container.0.env.0", { name: "MCP_API_KEYS", value: "k1,k2" });
      withEasyAuth(s);
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
      new McpContainerApp(s, "Server", {
        ...placement,
        environment: env,
        name: "ca-policy",
        image: ServerImage.fromReference("example.azurecr.io/mcp:1"),
        authMode: "entra",
        entraTenantId: "t",
        entraAudiences: ["api://x"],
      });
      withEasyAuth(s);
    });
    expect(annotations(stack, "error")).toEqual([]);
  });

  it("fails stateful sessions on several replicas", () => {
    const stack = stackWith((s) => {
      const app = appIn(s, { maxReplicas: 1, sessionMode: "stateful", legacySseEnabled: false });
      app.resource.addOverride("template.max_replicas", 5);
      withEasyAuth(s);
    });
    expect(annotations(stack, "error")).toEqual([
      expect.stringContaining("MCP_SESSION_MODE=stateful with max_replicas > 1"),
    ]);
  });

  it("fails legacy SSE on several replicas", () => {
    const stack = stackWith((s) => {
      const app = appIn(s, { maxReplicas: 1 });
      app.resource.addOverride("template.max_replicas", 3);
      withEasyAuth(s);
    });
    expect(annotations(stack, "error")).toEqual([expect.stringContaining("legacy SSE is on")]);
  });

  it("warns on AUTH_MODE=none", () => {
    const stack = stackWith((s) => {
      appIn(s, { authMode: "none" });
      withEasyAuth(s);
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
      new AzapiResourceStandIn(
        s,
        "EasyAuth",
        "Microsoft.App/containerApps/authConfigs@2025-01-01",
        app.containerAppId,
      );
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
      new ContainerApp(s, "Web", {
        name: "ca-web",
        resourceGroupName: "rg-test",
        containerAppEnvironmentId:
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/cae",
        revisionMode: "Single",
        template: {
          container: [
            {
              name: "web",
              image: "nginx:1.27",
              cpu: 0.25,
              memory: "0.5Gi",
              env: [{ name: "LOG_LEVEL", value: "info" }],
            },
          ],
        },
      });
    });
    expect(annotations(stack, "warning")).toEqual([]);
    expect(annotations(stack, "error")).toEqual([]);
  });

  it("resolves tokens before judging values: a literal behind a token is still a plain secret", () => {
    const stack = stackWith((s) => {
      const app = appIn(s);
      app.resource.addOverride("secret", [
        { name: "db", value: Token.asString(Lazy.stringValue({ produce: () => "hunter2" })) },
      ]);
      withEasyAuth(s);
    });
    expect(annotations(stack, "error")).toEqual([expect.stringContaining("secret 'db' holds a plain value")]);
  });

  it("warns when no Easy Auth authConfigs resource is in the stack", () => {
    const stack = stackWith((s) => {
      appIn(s);
      new AzapiResourceStandIn(s, "Other", "Microsoft.App/containerApps@2025-01-01");
    });
    expect(annotations(stack, "warning")).toEqual([expect.stringContaining("no Easy Auth")]);
  });
});
