import { Token } from "cdktf";
import { Construct } from "constructs";
import { ContainerApp } from "@cdktf/provider-azurerm/lib/container-app";
import { ContainerAppCustomDomain } from "@cdktf/provider-azurerm/lib/container-app-custom-domain";
import { AzapiResource } from "./azapi/resource";
import { AzapiResourceAction } from "./azapi/resource-action";
import { McpContainerApp } from "./mcp-container-app";
import { McpEnvironment } from "./mcp-environment";
import { HOSTNAME_PATTERN } from "./private/hostname";
import { MANAGED_CERTIFICATE_NAME_PATTERN, managedCertificateName } from "./private/certificate-name";
import { ValidationError } from "./validation-error";

/** ARM type of the managed certificate (azurerm 4.55 has no resource for it, nor for the binding). */
export const MANAGED_CERTIFICATE_TYPE = "Microsoft.App/managedEnvironments/managedCertificates@2025-01-01";
/** ARM type of the container app whose ingress binds the certificate. */
export const CONTAINER_APP_TYPE = "Microsoft.App/containerApps@2025-01-01";

/** Props of `McpCustomDomain`. */
export interface McpCustomDomainProps {
  /** A hostname you control, e.g. `mcp.example.com`; give the same to the app's `customDomainHostName`. */
  readonly hostName: string;
  /** The app that serves the hostname. */
  readonly app: McpContainerApp;
  /** The app's environment, which holds the managed certificate. */
  readonly environment: McpEnvironment;
  /** Azure region of the environment (the certificate lives there). */
  readonly location: string;
  /**
   * Name of the managed certificate in the environment: 2 to 60 lowercase letters, digits, `-` and `.`,
   * starting and ending with a letter or digit, no `--`. Give one to adopt a certificate made elsewhere.
   * @default - `mc-<hostName with dots as hyphens>`, shortened with a hash suffix past 60 characters
   */
  readonly certificateName?: string;
}

/** One DNS record the hostname needs before deployment. */
export interface DnsRecord {
  /** The record type. */
  readonly type: "CNAME" | "TXT";
  /** The record's name, e.g. `asuid.mcp.example.com`. */
  readonly name: string;
  /** The record's value (a Terraform expression until apply). */
  readonly value: string;
}

/** Apps that already have a McpCustomDomain: the binding patch replaces the app's whole customDomains list. */
const appsWithDomain = new WeakMap<McpContainerApp, string>();

/**
 * A custom hostname on the app with a free managed certificate (CNAME validation):
 * 1. the hostname is added to the app without a certificate (azurerm `container_app_custom_domain`, which
 *    writes the app back with its secrets);
 * 2. the environment issues a managed certificate for it (azapi);
 * 3. `Binding` binds it with SNI by a JSON Merge Patch of `properties.configuration.ingress.customDomains`
 *    only, so the app's secrets are never sent (a read-and-PUT sends them back without values, and Azure
 *    refuses it with `ContainerAppSecretNull`); it runs again whenever the app's ingress block changes;
 * 4. on destroy, `Unbinding` patches the hostname back to `Disabled` before the certificate is deleted
 *    (Azure refuses to delete a certificate that is still bound), then step 1 removes the hostname.
 * The DNS records in `dnsRecords` must exist first, or step 1 fails. One McpCustomDomain per app.
 */
export class McpCustomDomain extends Construct {
  /** The custom hostname. */
  public readonly hostName: string;
  /** `https://<hostName>`. Anything that must reach the host over TLS should depend on `binding`. */
  public readonly url: string;
  /** The hostname on the app (`Resource`), without a certificate until `binding`. */
  public readonly resource: ContainerAppCustomDomain;
  /** The environment's managed certificate for the hostname (`Certificate`). */
  public readonly certificate: AzapiResource;
  /** The SNI binding (`Binding`); the hostname serves the managed certificate once it is applied. */
  public readonly binding: AzapiResourceAction;
  /** The destroy-time patch back to `Disabled` (`Unbinding`), run before the certificate is deleted. */
  public readonly unbinding: AzapiResourceAction;
  /** CNAME `<hostName>` to the app's default FQDN, and TXT `asuid.<hostName>` with its verification id. */
  public readonly dnsRecords: readonly DnsRecord[];

  constructor(scope: Construct, id: string, props: McpCustomDomainProps) {
    super(scope, id);
    const host = props.hostName;
    if (!Token.isUnresolved(host) && !HOSTNAME_PATTERN.test(host)) {
      throw new ValidationError(
        `hostName must be a lowercase DNS name with at least two labels, like mcp.example.com (got '${host}')`,
        this,
      );
    }
    if (!Token.isUnresolved(host) && host.endsWith(".azurecontainerapps.io")) {
      throw new ValidationError(
        `hostName must be a domain you own, not one under azurecontainerapps.io (got '${host}')`,
        this,
      );
    }
    if (!Token.isUnresolved(host) && props.app.url !== `https://${host}`) {
      throw new ValidationError(
        `app must serve the hostname: pass customDomainHostName: '${host}' to its McpContainerApp, or the server ` +
          `refuses the Host header (got app url ${props.app.url})`,
        this,
      );
    }
    const existing = appsWithDomain.get(props.app);
    if (existing !== undefined) {
      throw new ValidationError(
        `app already has a custom domain (${existing}); give each app one McpCustomDomain, because the binding ` +
          `patch replaces the app's whole customDomains list`,
        this,
      );
    }
    appsWithDomain.set(props.app, this.node.path);
    const certificateName =
      props.certificateName ?? (Token.isUnresolved(host) ? "mc-custom-domain" : managedCertificateName(host));
    if (!Token.isUnresolved(certificateName) && !MANAGED_CERTIFICATE_NAME_PATTERN.test(certificateName)) {
      throw new ValidationError(
        `certificateName must be 2 to 60 lowercase letters, digits, '-' or '.', start and end with a letter or ` +
          `digit and have no '--' (got '${certificateName}')`,
        this,
      );
    }

    this.hostName = host;
    this.url = `https://${host}`;
    this.resource = new ContainerAppCustomDomain(this, "Resource", {
      name: host,
      containerAppId: props.app.containerAppId,
      // `Binding` sets both; azurerm would otherwise replace the domain on the next plan.
      lifecycle: { ignoreChanges: ["certificate_binding_type", "container_app_environment_certificate_id"] },
    });
    this.certificate = new AzapiResource(this, "Certificate", {
      type: MANAGED_CERTIFICATE_TYPE,
      name: certificateName,
      parentId: props.environment.environmentId,
      location: props.location,
      body: { properties: { subjectName: host, domainControlValidation: "CNAME" } },
      // Azure issues the certificate only for a hostname already on an app of the environment.
      dependsOn: [this.resource],
    });
    const patchDomain = (domain: { [key: string]: string }) => ({
      properties: { configuration: { ingress: { customDomains: [{ name: host, ...domain }] } } },
    });
    this.binding = new AzapiResourceAction(this, "Binding", {
      type: CONTAINER_APP_TYPE,
      resourceId: props.app.containerAppId,
      method: "PATCH",
      body: patchDomain({ bindingType: "SniEnabled", certificateId: this.certificate.id }),
      // azurerm's container_app writes its own ingress block back when that block changes (CORS, IP rules...),
      // without customDomains: patch the binding again after every such change.
      lifecycle: {
        replaceTriggeredBy: [`${ContainerApp.tfResourceType}.${props.app.resource.friendlyUniqueId}.ingress`],
      },
    });
    this.unbinding = new AzapiResourceAction(this, "Unbinding", {
      type: CONTAINER_APP_TYPE,
      resourceId: props.app.containerAppId,
      method: "PATCH",
      when: "destroy",
      body: patchDomain({ bindingType: "Disabled" }),
      // Destroyed (so run) before the certificate: Terraform destroys dependents first.
      dependsOn: [this.certificate],
    });
    this.dnsRecords = [
      { type: "CNAME", name: host, value: props.app.fqdn },
      { type: "TXT", name: `asuid.${host}`, value: props.app.resource.customDomainVerificationId },
    ];
  }

  /**
   * The hostname on the app, without a certificate until `binding`.
   * @deprecated use `resource` (the same object).
   */
  public get customDomain(): ContainerAppCustomDomain {
    return this.resource;
  }
}
