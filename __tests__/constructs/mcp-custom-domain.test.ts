import { TerraformOutput, Testing } from "cdktf";
import { ContainerAppCustomDomain } from "@cdktf/provider-azurerm/lib/container-app-custom-domain";
import { McpCustomDomain, McpCustomDomainProps } from "../../constructs/mcp-custom-domain";
import {
  MANAGED_CERTIFICATE_NAME_PATTERN,
  managedCertificateName,
} from "../../constructs/private/certificate-name";
import schemaFixture from "./fixtures/custom-domain-2025-01-01.json";
import { placement, referenceTo, resources } from "./support/common";
import { monitoredApp } from "./support/monitored-app";
import { ReducedSchema, schemaProblems } from "./support/schema-walk";

const HOST = "mcp.example.com";
const definitions = schemaFixture.definitions as ReducedSchema["definitions"];

function synthDomain(
  props: Partial<McpCustomDomainProps> = {},
  appHost: string | null = props.hostName ?? HOST,
): string {
  return Testing.synthScope((scope) => {
    const { environment, app } = monitoredApp(scope, { customDomainHostName: appHost ?? undefined });
    const domain = new McpCustomDomain(scope, "Domain", {
      hostName: HOST,
      app,
      environment,
      location: placement.location,
      ...props,
    });
    new TerraformOutput(scope, "dns", { value: domain.dnsRecords });
  });
}

function azapi(synth: string, type: string): Record<string, unknown> {
  const [resource] = resources(synth, type);
  return resource;
}

describe("McpCustomDomain", () => {
  it("adds the hostname to the app without a certificate, leaving the binding to the azapi patch", () => {
    const synth = synthDomain();
    expect(synth).toHaveResourceWithProperties(ContainerAppCustomDomain, {
      name: HOST,
      container_app_id: referenceTo("azurerm_container_app", "id"),
      lifecycle: { ignore_changes: ["certificate_binding_type", "container_app_environment_certificate_id"] },
    });
    expect(azapi(synth, "azurerm_container_app_custom_domain")).not.toHaveProperty(
      "certificate_binding_type",
    );
  });

  it("issues a managed certificate in the environment after the hostname exists, with a schema-valid body", () => {
    const certificate = azapi(synthDomain(), "azapi_resource");
    expect(certificate).toMatchObject({
      type: "Microsoft.App/managedEnvironments/managedCertificates@2025-01-01",
      name: "mc-mcp-example-com",
      parent_id: referenceTo("azurerm_container_app_environment", "id"),
      location: "northeurope",
      body: { properties: { subjectName: HOST, domainControlValidation: "CNAME" } },
      depends_on: [expect.stringMatching(/^azurerm_container_app_custom_domain\./)],
    });
    const body = { ...(certificate.body as object), location: certificate.location };
    expect(schemaProblems({ root: "ManagedCertificate", definitions }, body)).toEqual([]);
  });

  it("binds the certificate with SNI by a PATCH of only the ingress's customDomains, so no secret is sent", () => {
    const synth = synthDomain();
    expect(resources(synth, "azapi_update_resource")).toEqual([]);
    const [binding, unbinding] = resources(synth, "azapi_resource_action");
    expect(binding).toMatchObject({
      type: "Microsoft.App/containerApps@2025-01-01",
      resource_id: referenceTo("azurerm_container_app", "id"),
      method: "PATCH",
      body: {
        properties: {
          configuration: {
            ingress: {
              customDomains: [
                { name: HOST, bindingType: "SniEnabled", certificateId: referenceTo("azapi_resource", "id") },
              ],
            },
          },
        },
      },
    });
    expect(schemaProblems({ root: "ContainerApp", definitions }, binding.body)).toEqual([]);
    expect(JSON.stringify(binding.body)).not.toMatch(/secrets|template|registries/);
    expect(unbinding).toBeDefined();
  });

  it("binds again whenever azurerm rewrites the app's ingress block, which drops customDomains", () => {
    const synth = synthDomain();
    const [appKey] = Object.keys(
      (JSON.parse(synth) as { resource: Record<string, object> }).resource.azurerm_container_app,
    );
    const binding = resources(synth, "azapi_resource_action").find((action) => action.when === undefined);
    expect(binding?.lifecycle).toEqual({ replace_triggered_by: [`azurerm_container_app.${appKey}.ingress`] });
  });

  it("unbinds the hostname on destroy before the certificate is deleted, with a schema-valid body", () => {
    const synth = synthDomain();
    const [certificateKey] = Object.keys(
      (JSON.parse(synth) as { resource: Record<string, object> }).resource.azapi_resource,
    );
    const unbinding = resources(synth, "azapi_resource_action").find((action) => action.when === "destroy");
    expect(unbinding).toEqual({
      type: "Microsoft.App/containerApps@2025-01-01",
      resource_id: referenceTo("azurerm_container_app", "id"),
      method: "PATCH",
      when: "destroy",
      body: {
        properties: {
          configuration: { ingress: { customDomains: [{ name: HOST, bindingType: "Disabled" }] } },
        },
      },
      // Terraform destroys dependents first: the patch runs while the certificate still exists.
      depends_on: [`azapi_resource.${certificateKey}`],
    });
    expect(schemaProblems({ root: "ContainerApp", definitions }, unbinding!.body)).toEqual([]);
  });

  it("the schema check catches a misspelled key", () => {
    const misspelled = {
      properties: { configuration: { ingress: { customDomains: [{ name: HOST, binding: "x" }] } } },
    };
    expect(schemaProblems({ root: "ContainerApp", definitions }, misspelled)).toEqual([
      "body.properties.configuration.ingress.customDomains[0].binding: not a property of the schema",
    ]);
  });

  it("names the DNS records to create: a CNAME to the app and the asuid TXT verification", () => {
    const outputs = (JSON.parse(synthDomain()) as { output: { dns: { value: unknown } } }).output;
    expect(outputs.dns.value).toEqual([
      {
        type: "CNAME",
        name: HOST,
        value: expect.stringMatching(/^ca-test\.\$\{azurerm_container_app_environment\./),
      },
      {
        type: "TXT",
        name: `asuid.${HOST}`,
        value: referenceTo("azurerm_container_app", "custom_domain_verification_id"),
      },
    ]);
  });

  it("makes the custom hostname the app's public URL and allows it as a Host", () => {
    const [app] = resources(synthDomain(), "azurerm_container_app");
    const env = (app.template as { container: { env: { name: string; value?: string }[] }[] }).container[0]
      .env;
    const value = (name: string) => env.find((entry) => entry.name === name)?.value;
    expect(value("MCP_PUBLIC_URL")).toBe(`https://${HOST}`);
    expect(value("MCP_ALLOWED_HOSTS")).toMatch(
      new RegExp(`^ca-test\\.\\$\\{[^}]+\\},${HOST.replace(/\./g, "\\.")}$`),
    );
  });

  it.each([
    ["a short host", "mcp.example.com", "mc-mcp-example-com"],
    ["a punycode label (no '--')", "xn--bcher-kva.example.com", "mc-xn-bcher-kva-example-com"],
    [
      "a host whose cut lands on a hyphen (hash suffix, no trailing '-')",
      "a234567890.b234567890.c234567890.d234567890.e23.f234567890.example.com",
      expect.stringMatching(/^mc-a234567890-b234567890-c234567890-d234567890-e23-[0-9a-f]{8}$/),
    ],
  ])("derives a certificate name Azure accepts from %s", (_label, host, expected) => {
    const name = managedCertificateName(host);
    expect(name).toEqual(expected);
    expect(name).toMatch(MANAGED_CERTIFICATE_NAME_PATTERN);
    expect(name.length).toBeLessThanOrEqual(60);
  });

  it("gives two long hosts that share a 60-character prefix different certificate names", () => {
    const prefix = "a234567890.b234567890.c234567890.d234567890.e234567890.";
    expect(managedCertificateName(`${prefix}one.example.com`)).not.toBe(
      managedCertificateName(`${prefix}two.example.com`),
    );
  });

  it("names the certificate as asked, to adopt one made elsewhere", () => {
    const [certificate] = resources(
      synthDomain({ certificateName: "mc-env-mcp-example-com-1234" }),
      "azapi_resource",
    );
    expect(certificate.name).toBe("mc-env-mcp-example-com-1234");
  });

  it.each(["mc-mcp-example-com-", "mc--mcp", "MC-mcp", "x".repeat(61)])(
    "fails when certificateName is %s",
    (certificateName) => {
      expect(() => synthDomain({ certificateName })).toThrow(
        `McpCustomDomain 'stack/Domain': certificateName must be 2 to 60 lowercase letters, digits, '-' or '.', ` +
          `start and end with a letter or digit and have no '--' (got '${certificateName}')`,
      );
    },
  );

  it("fails when the app already has a custom domain: the binding patch replaces the whole list", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const { environment, app } = monitoredApp(scope, { customDomainHostName: HOST });
        const props = { hostName: HOST, app, environment, location: placement.location };
        new McpCustomDomain(scope, "Domain", props);
        new McpCustomDomain(scope, "Second", props);
      }),
    ).toThrow(
      "McpCustomDomain 'stack/Second': app already has a custom domain (stack/Domain); give each app one McpCustomDomain",
    );
  });

  it("fails when the app was not given the hostname", () => {
    expect(() => synthDomain({}, null)).toThrow(
      /McpCustomDomain 'stack\/Domain': app must serve the hostname: pass customDomainHostName: 'mcp\.example\.com' to its McpContainerApp/,
    );
  });

  it("fails when the hostname is malformed", () => {
    expect(() => synthDomain({ hostName: "MCP_example" }, HOST)).toThrow(
      "McpCustomDomain 'stack/Domain': hostName must be a lowercase DNS name with at least two labels, like mcp.example.com (got 'MCP_example')",
    );
  });

  it("fails when the hostname is under azurecontainerapps.io", () => {
    expect(() => synthDomain({ hostName: "x.westeurope.azurecontainerapps.io" }, HOST)).toThrow(
      /hostName must be a domain you own, not one under azurecontainerapps\.io/,
    );
  });
});

describe("McpContainerApp customDomainHostName", () => {
  it("fails when it is not a DNS name", () => {
    expect(() =>
      Testing.synthScope((scope) => {
        monitoredApp(scope, { customDomainHostName: "https://mcp.example.com" });
      }),
    ).toThrow(
      "McpContainerApp 'stack/Server': customDomainHostName must be a lowercase DNS name like mcp.example.com (got 'https://mcp.example.com')",
    );
  });
});
