import { Token } from "cdktf";
import { Construct } from "constructs";
import { ContainerAppCustomDomain } from "@cdktf/provider-azurerm/lib/container-app-custom-domain";
import { AzapiResource } from "./azapi/resource";
import { AzapiUpdateResource } from "./azapi/update-resource";
import { McpContainerApp } from "./mcp-container-app";
import { McpEnvironment } from "./mcp-environment";
import { HOSTNAME_PATTERN } from "./private/hostname";
import { ValidationError } from "./validation-error";

/** ARM types of the managed certificate and of the app whose ingress binds it (azurerm 4.55 has neither). */
export const MANAGED_CERTIFICATE_TYPE = "Microsoft.App/managedEnvironments/managedCertificates@2025-01-01";
export const CONTAINER_APP_TYPE = "Microsoft.App/containerApps@2025-01-01";

export interface McpCustomDomainProps {
  /** A hostname you control, e.g. `mcp.example.com`; give the same to the app's `customDomainHostName`. */
  readonly hostName: string;
  readonly app: McpContainerApp;
  readonly environment: McpEnvironment;
  /** Azure region of the environment (the certificate lives there). */
  readonly location: string;
}

/** One DNS record the hostname needs before deployment. */
export interface DnsRecord {
  readonly type: "CNAME" | "TXT";
  readonly name: string;
  readonly value: string;
}

const CLASS = "McpCustomDomain";

/**
 * A custom hostname on the app with a free managed certificate (CNAME validation), in three steps: the
 * hostname is added to the app (azurerm, no certificate yet), the environment issues a managed certificate
 * for it (azapi), and the app's ingress binds it with SNI (azapi update). The DNS records in `dnsRecords`
 * must exist first, or the first step fails.
 */
export class McpCustomDomain extends Construct {
  public readonly hostName: string;
  public readonly customDomain: ContainerAppCustomDomain;
  public readonly certificate: AzapiResource;
  public readonly binding: AzapiUpdateResource;
  /** CNAME `<hostName>` to the app's default FQDN, and TXT `asuid.<hostName>` with its verification id. */
  public readonly dnsRecords: readonly DnsRecord[];

  constructor(scope: Construct, id: string, props: McpCustomDomainProps) {
    super(scope, id);
    const host = props.hostName;
    if (!Token.isUnresolved(host) && !HOSTNAME_PATTERN.test(host)) {
      throw new ValidationError(
        this,
        CLASS,
        `hostName must be a lowercase DNS name with at least two labels, like mcp.example.com (got '${host}')`,
      );
    }
    if (!Token.isUnresolved(host) && host.endsWith(".azurecontainerapps.io")) {
      throw new ValidationError(
        this,
        CLASS,
        `hostName must be a domain you own, not one under azurecontainerapps.io (got '${host}')`,
      );
    }
    if (!Token.isUnresolved(host) && props.app.url !== `https://${host}`) {
      throw new ValidationError(
        this,
        CLASS,
        `app must serve the hostname: pass customDomainHostName: '${host}' to its McpContainerApp, or the server ` +
          `refuses the Host header (got app url ${props.app.url})`,
      );
    }
    this.hostName = host;
    this.customDomain = new ContainerAppCustomDomain(this, "Resource", {
      name: host,
      containerAppId: props.app.containerAppId,
      // The binding step below sets both; azurerm would otherwise replace the domain on the next plan.
      lifecycle: { ignoreChanges: ["certificate_binding_type", "container_app_environment_certificate_id"] },
    });
    this.certificate = new AzapiResource(this, "Certificate", {
      type: MANAGED_CERTIFICATE_TYPE,
      name: Token.isUnresolved(host) ? "mc-custom-domain" : `mc-${host.replace(/\./g, "-")}`.slice(0, 60),
      parentId: props.environment.environmentId,
      location: props.location,
      body: { properties: { subjectName: host, domainControlValidation: "CNAME" } },
      dependsOn: [this.customDomain],
    });
    this.binding = new AzapiUpdateResource(this, "Binding", {
      type: CONTAINER_APP_TYPE,
      resourceId: props.app.containerAppId,
      body: {
        properties: {
          configuration: {
            ingress: {
              customDomains: [{ name: host, bindingType: "SniEnabled", certificateId: this.certificate.id }],
            },
          },
        },
      },
    });
    this.dnsRecords = [
      { type: "CNAME", name: host, value: props.app.fqdn },
      { type: "TXT", name: `asuid.${host}`, value: props.app.resource.customDomainVerificationId },
    ];
  }
}
