import { App, Testing, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { BundledServerImage } from "../../constructs/bundled-server-image";
import { ContainerRegistry } from "../../constructs/container-registry";
import { InfrastructureSubnet } from "../../constructs/infrastructure-subnet";
import { McpAlerts } from "../../constructs/mcp-alerts";
import { McpAvailabilityTest } from "../../constructs/mcp-availability-test";
import { McpContainerApp } from "../../constructs/mcp-container-app";
import { McpCustomDomain } from "../../constructs/mcp-custom-domain";
import { McpEnvironment } from "../../constructs/mcp-environment";
import { ServerImage } from "../../constructs/server-image";
import { buildContext, placement, testEnvironment } from "./support/common";
import { monitoredApp } from "./support/monitored-app";

/**
 * The props renamed in 0.x keep their old names for one release: the old name alone synthesizes exactly what
 * the new one does (and warns), both with the same value are accepted, both with different values fail naming
 * the two fields.
 */

/** Synthesizes a stack `build` fills; returns its JSON and every warning annotated in it. */
function synthWithWarnings(build: (scope: Construct) => void): { json: string; warnings: string[] } {
  const stack = new TerraformStack(Testing.app() as App, "stack");
  build(stack);
  const json = Testing.synth(stack);
  const warnings = stack.node
    .findAll()
    .flatMap((node: IConstruct) => node.node.metadata.filter((entry) => entry.type === "@cdktf/warn"))
    .map((entry) => String(entry.data));
  return { json, warnings };
}

const TOKEN_SECRET = "https://kv-test.vault.azure.net/secrets/weather-token";
const OTHER_SECRET = "https://kv-test.vault.azure.net/secrets/other-token";

interface RenameCase {
  /** The props interface that holds the field. */
  readonly props: string;
  /** The construct, as messages name it. */
  readonly construct: string;
  readonly field: string;
  readonly deprecatedField: string;
  /** Whether one of the two names must be given. */
  readonly required: boolean;
  readonly value: unknown;
  readonly otherValue: unknown;
  /** Builds the construct with `props` (one or both names) added. */
  build(scope: Construct, props: Record<string, unknown>): void;
}

/** The message field names: the upstream's are prefixed `upstream.`. */
const messageName = (rename: RenameCase, field: string): string =>
  rename.construct === "McpContainerApp" ? `upstream.${field}` : field;

const renames: RenameCase[] = [
  {
    props: "McpEnvironmentProps",
    construct: "McpEnvironment",
    field: "baseName",
    deprecatedField: "name",
    required: false,
    value: "demo",
    otherValue: "other",
    build: (scope, props) => new McpEnvironment(scope, "Env", { ...placement, ...props }),
  },
  {
    props: "InfrastructureSubnetProps",
    construct: "InfrastructureSubnet",
    field: "baseName",
    deprecatedField: "name",
    required: true,
    value: "demo",
    otherValue: "other",
    build: (scope, props) =>
      new InfrastructureSubnet(scope, "Network", { ...placement, addressSpace: "10.40.0.0/16", ...props }),
  },
  {
    props: "McpAlertsProps",
    construct: "McpAlerts",
    field: "baseName",
    deprecatedField: "name",
    required: true,
    value: "mcp-test",
    otherValue: "other",
    build: (scope, props) => {
      const { environment, app } = monitoredApp(scope);
      new McpAlerts(scope, "Alerts", { ...placement, environment, app, ...props });
    },
  },
  {
    props: "McpAvailabilityTestProps",
    construct: "McpAvailabilityTest",
    field: "baseName",
    deprecatedField: "name",
    required: true,
    value: "mcp-test",
    otherValue: "other",
    build: (scope, props) => {
      const { environment, app } = monitoredApp(scope);
      const actionGroup = new MonitorActionGroup(scope, "Group", {
        name: "ag",
        resourceGroupName: "rg-test",
        shortName: "ag",
      });
      new McpAvailabilityTest(scope, "Availability", {
        ...placement,
        applicationInsights: environment.applicationInsights!,
        url: app.url,
        actionGroup,
        ...props,
      });
    },
  },
  {
    props: "McpUpstreamProps",
    construct: "McpContainerApp",
    field: "secretEnvironmentVariables",
    deprecatedField: "secrets",
    required: false,
    value: { WEATHER_TOKEN: { keyVaultSecretId: TOKEN_SECRET } },
    otherValue: { WEATHER_TOKEN: { keyVaultSecretId: OTHER_SECRET } },
    build: (scope, props) =>
      new McpContainerApp(scope, "Server", {
        ...placement,
        environment: testEnvironment(scope),
        name: "ca-front",
        image: ServerImage.fromReference("example.azurecr.io/mcp-server:1.2.3"),
        authMode: "entra",
        entraTenantId: "11111111-1111-1111-1111-111111111111",
        entraAudiences: ["api://mcp-test"],
        upstream: { command: ["mcp-server-weather"], ...props },
      }),
  },
];

describe.each(renames)("$props: $deprecatedField renamed to $field", (rename) => {
  const field = messageName(rename, rename.field);
  const deprecatedField = messageName(rename, rename.deprecatedField);
  const synthWith = (props: Record<string, unknown>) =>
    synthWithWarnings((scope) => rename.build(scope, props));

  it(`the deprecated ${rename.deprecatedField} synthesizes exactly what ${rename.field} does, with a warning naming ${rename.field}`, () => {
    const current = synthWith({ [rename.field]: rename.value });
    const deprecated = synthWith({ [rename.deprecatedField]: rename.value });
    expect(deprecated.json).toBe(current.json);
    expect(deprecated.warnings).toContain(
      `${deprecatedField} is deprecated: use ${field} (same value); ${deprecatedField} will be removed in a later release`,
    );
    expect(current.warnings.filter((warning) => warning.includes("deprecated"))).toEqual([]);
  });

  it("accepts both names with the same value", () => {
    const both = synthWith({ [rename.field]: rename.value, [rename.deprecatedField]: rename.value });
    expect(both.json).toBe(synthWith({ [rename.field]: rename.value }).json);
  });

  it("fails when both names are given with different values, naming both fields and values", () => {
    const message = messageOf(() =>
      synthWith({ [rename.field]: rename.value, [rename.deprecatedField]: rename.otherValue }),
    );
    expect(message).toMatch(new RegExp(`^${rename.construct} 'stack/\\w+': `));
    expect(message).toContain(
      `${deprecatedField} is the deprecated name of ${field}; give only ${field} (got ${field}=${show(rename.value)}, ` +
        `${deprecatedField}=${show(rename.otherValue)})`,
    );
  });

  if (rename.required) {
    it("fails when neither name is given", () => {
      expect(() => synthWith({})).toThrow(
        `${field} is required (got neither ${field} nor its deprecated name ${deprecatedField})`,
      );
    });
  }
});

const show = (value: unknown): string => (typeof value === "string" ? `'${value}'` : JSON.stringify(value));

/** The message `run` throws; fails the test when it throws nothing. */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error, got none");
}

describe("the main resource is `resource`; the old property names return the same object", () => {
  it("McpEnvironment.environment", () => {
    let environment: McpEnvironment | undefined;
    Testing.synthScope((scope) => {
      environment = new McpEnvironment(scope, "Env", { ...placement, baseName: "demo" });
    });
    expect(environment!.resource!.node.id).toBe("Resource");
    expect(environment!.environment).toBe(environment!.resource);
  });

  it("McpAvailabilityTest.webTest and McpCustomDomain.customDomain", () => {
    let test: McpAvailabilityTest | undefined;
    let domain: McpCustomDomain | undefined;
    Testing.synthScope((scope) => {
      const { environment, app } = monitoredApp(scope, { customDomainHostName: "mcp.example.com" });
      domain = new McpCustomDomain(scope, "Domain", {
        hostName: "mcp.example.com",
        app,
        environment,
        location: placement.location,
      });
      const actionGroup = new MonitorActionGroup(scope, "Group", {
        name: "ag",
        resourceGroupName: "rg-test",
        shortName: "ag",
      });
      test = new McpAvailabilityTest(scope, "Availability", {
        ...placement,
        baseName: "mcp-test",
        applicationInsights: environment.applicationInsights!,
        url: app.url,
        actionGroup,
      });
    });
    expect(test!.resource.node.id).toBe("Resource");
    expect(test!.webTest).toBe(test!.resource);
    expect(domain!.resource.node.id).toBe("Resource");
    expect(domain!.customDomain).toBe(domain!.resource);
  });

  it("BundledServerImage.build", () => {
    let image: BundledServerImage | undefined;
    Testing.synthScope((scope) => {
      const registry = new ContainerRegistry(scope, "Registry", placement);
      image = new BundledServerImage(scope, "Image", { registry, contextDirectory: buildContext() });
    });
    expect(image!.resource.node.id).toBe("Resource");
    expect(image!.build).toBe(image!.resource);
  });
});
