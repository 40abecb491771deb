import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights";
import { ContainerAppEnvironment } from "@cdktf/provider-azurerm/lib/container-app-environment";
import { DataAzurermContainerAppEnvironment } from "@cdktf/provider-azurerm/lib/data-azurerm-container-app-environment";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { Grantee } from "./grantee";
import { granteeKey } from "./private/grantee-key";
import { assignRole } from "./private/assign-role";
import { diagnosticSetting } from "./private/diagnostic-setting";
import { environmentNetwork } from "./private/environment-network";
import { InfrastructureSubnet } from "./infrastructure-subnet";
import { ValidationError } from "./validation-error";
import { checkIntegerInRange } from "./private/checks";
import { renamedProp } from "./private/renamed-prop";

/** A workload profile of a Container Apps environment (azurerm's `workload_profile` block). */
export interface McpWorkloadProfile {
  /** `Consumption` for the Consumption profile (it must be named so), any name for a dedicated one. */
  readonly name: string;
  /** `Consumption`, or a dedicated size: `D4` ... `D32`, `E4` ... `E32`. */
  readonly workloadProfileType: string;
  /** Dedicated profiles only: nodes kept running. @default - none (required for dedicated profiles) */
  readonly minimumCount?: number;
  /** Dedicated profiles only: most nodes. @default - none (required for dedicated profiles) */
  readonly maximumCount?: number;
}

/** Props of `McpEnvironment`. */
export interface McpEnvironmentProps {
  /** Resource group that holds the workspace, the environment and Application Insights. */
  readonly resourceGroupName: string;
  /** Azure region; always explicit. */
  readonly location: string;
  /**
   * Base of the derived names: the workspace is `log-<baseName>`, the environment `cae-<baseName>`,
   * Application Insights `appi-<baseName>`. Required unless an existing environment is adopted.
   * @default - none; required when `existingEnvironmentResourceId` is not set
   */
  readonly baseName?: string;
  /**
   * The former name of `baseName`, still accepted for one release (a synth warning names the new one).
   * @deprecated use `baseName`; giving both with different values is an error.
   * @default - none
   */
  readonly name?: string;
  /**
   * Days the Log Analytics workspace keeps logs (30 to 730).
   * @default 30
   */
  readonly logRetentionInDays?: number;
  /**
   * Create a workspace-based Application Insights resource; its connection string reaches the app as a
   * secret (`APPLICATIONINSIGHTS_CONNECTION_STRING`).
   * @default false
   */
  readonly applicationInsightsEnabled?: boolean;
  /**
   * Adopt an existing Container Apps environment instead of creating one
   * (`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.App/managedEnvironments/<name>`).
   * No workspace or Application Insights is created then; it conflicts with `baseName`,
   * `logRetentionInDays` and `applicationInsightsEnabled`.
   * @default - a new environment is created
   */
  readonly existingEnvironmentResourceId?: string;
  /**
   * Workload profiles; `[{ name: "Consumption", workloadProfileType: "Consumption" }]` makes a
   * workload-profiles environment that still bills per use (and accepts a /27 subnet).
   * @default - none: a Consumption-only environment
   */
  readonly workloadProfiles?: readonly McpWorkloadProfile[];
  /**
   * Create a virtual network `vnet-<baseName>` with this IPv4 address space (e.g. `10.40.0.0/16`) and an
   * infrastructure subnet `snet-cae-<baseName>` for the environment, delegated to `Microsoft.App/environments`
   * when workload profiles are set. Conflicts with `infrastructureSubnetResourceId`.
   * @default - no virtual network of yours: Azure manages the environment's network
   */
  readonly virtualNetworkAddressSpace?: string;
  /**
   * The infrastructure subnet's range inside `virtualNetworkAddressSpace`: /27 or larger with workload
   * profiles, /23 or larger without.
   * @default - the whole `virtualNetworkAddressSpace`
   */
  readonly infrastructureSubnetAddressPrefix?: string;
  /**
   * An existing subnet for the environment's infrastructure, dedicated to it (and delegated to
   * `Microsoft.App/environments` for workload profiles). Conflicts with `virtualNetworkAddressSpace`.
   * @default - see `virtualNetworkAddressSpace`
   */
  readonly infrastructureSubnetResourceId?: string;
  /**
   * Spread replicas over the region's availability zones; needs an infrastructure subnet, and the app
   * should run at least as many replicas as zones (3) to survive a zone outage.
   * @default false
   */
  readonly zoneRedundancyEnabled?: boolean;
  /**
   * Only a private IP in the subnet serves the apps (no public endpoint). Clients then need a route into
   * the virtual network and a private DNS zone `<defaultDomain>` with `*` pointing at `staticIpAddress`.
   * Needs an infrastructure subnet.
   * @default false
   */
  readonly internalLoadBalancerEnabled?: boolean;
  /**
   * Send the environment's platform metrics to its workspace with a diagnostic setting. Its console and
   * system logs reach the workspace already (the `log-analytics` destination); a diagnostic setting for
   * them would store every line twice.
   * @default false
   */
  readonly diagnosticSettingsEnabled?: boolean;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

const ENVIRONMENT_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.App\/managedEnvironments\/([^/]+)$/i;

/**
 * Where MCP container apps run: a Container Apps environment whose logs go to a Log Analytics workspace,
 * optionally with workspace-based Application Insights; or an adopted existing environment.
 */
export class McpEnvironment extends Construct {
  /** The environment's resource id. */
  public readonly environmentId: string;
  /** The environment's default domain; an app named `x` is served at `https://x.<defaultDomain>`. */
  public readonly defaultDomain: string;
  /** The created environment (`Resource`); undefined when an existing one is adopted. */
  public readonly resource?: ContainerAppEnvironment;
  /** The created Log Analytics workspace; undefined when an existing environment is adopted. */
  public readonly workspace?: LogAnalyticsWorkspace;
  /** The Log Analytics workspace (customer) id, a GUID, which log queries address. */
  public readonly logAnalyticsWorkspaceCustomerId?: string;
  /** The created Application Insights resource. */
  public readonly applicationInsights?: ApplicationInsights;
  /** Application Insights connection string (sensitive): pass it on only as a secret. */
  public readonly applicationInsightsConnectionString?: string;
  /** The virtual network and infrastructure subnet created from `virtualNetworkAddressSpace`. */
  public readonly network?: InfrastructureSubnet;
  /** The environment's ingress IP: public, or private in the subnet with `internalLoadBalancerEnabled`. */
  public readonly staticIpAddress?: string;

  constructor(scope: Construct, id: string, props: McpEnvironmentProps) {
    super(scope, id);
    const retention = props.logRetentionInDays ?? 30;

    const baseName = renamedProp(this, "baseName", props.baseName, "name", props.name);
    if (props.existingEnvironmentResourceId !== undefined) {
      const match = checkAdoptionProps(this, props, props.existingEnvironmentResourceId);
      const existing = new DataAzurermContainerAppEnvironment(this, "Existing", {
        // Segments 4 and 8 of the id are the resource group and the environment name.
        resourceGroupName: match
          ? match[1]
          : Fn.element(Fn.split("/", props.existingEnvironmentResourceId), 4),
        name: match ? match[2] : Fn.element(Fn.split("/", props.existingEnvironmentResourceId), 8),
      });
      this.environmentId = props.existingEnvironmentResourceId;
      this.defaultDomain = existing.defaultDomain;
      return;
    }

    if (baseName === undefined) {
      throw new ValidationError("baseName is required unless existingEnvironmentResourceId is set", this);
    }
    checkIntegerInRange(this, "logRetentionInDays", retention, 30, 730);
    const tags = { ...props.tags };
    const { fragment, subnet } = environmentNetwork(this, baseName, props);
    this.network = subnet;

    this.workspace = new LogAnalyticsWorkspace(this, "Workspace", {
      name: `log-${baseName}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: "PerGB2018",
      retentionInDays: retention,
      tags,
    });
    this.logAnalyticsWorkspaceCustomerId = this.workspace.workspaceId;

    this.resource = new ContainerAppEnvironment(this, "Resource", {
      name: `cae-${baseName}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      logAnalyticsWorkspaceId: this.workspace.id,
      ...fragment,
      tags,
    });
    this.environmentId = this.resource.id;
    this.staticIpAddress = this.resource.staticIpAddress;
    if (props.diagnosticSettingsEnabled) {
      diagnosticSetting(this, this.environmentId, this.workspace.id, []);
    }
    this.defaultDomain = this.resource.defaultDomain;

    if (props.applicationInsightsEnabled) {
      this.applicationInsights = new ApplicationInsights(this, "ApplicationInsights", {
        name: `appi-${baseName}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        applicationType: "web",
        workspaceId: this.workspace.id,
        tags,
      });
      this.applicationInsightsConnectionString = this.applicationInsights.connectionString;
    }
  }

  /**
   * The created environment; undefined when an existing one is adopted.
   * @deprecated use `resource` (the same object).
   */
  public get environment(): ContainerAppEnvironment | undefined {
    return this.resource;
  }

  /** Grants `Log Analytics Reader` on the workspace, so the grantee can query logs (the `query_logs` tool). */
  public grantLogsRead(grantee: Grantee): RoleAssignment {
    if (!this.workspace) {
      throw new ValidationError(
        "grantLogsRead needs the workspace this construct creates; with existingEnvironmentResourceId, grant on your workspace directly",
        this,
      );
    }
    return assignRole(this, `LogsRead-${granteeKey(grantee)}`, grantee.principalId, {
      roleDefinitionIdOrName: "Log Analytics Reader",
      scope: this.workspace.id,
    });
  }
}

/** An adopted environment takes no settings of a new one; returns the id's resource group and name, when literal. */
function checkAdoptionProps(
  scope: Construct,
  props: McpEnvironmentProps,
  environmentResourceId: string,
): RegExpExecArray | null {
  const conflicting = (
    [
      "baseName",
      "name",
      "logRetentionInDays",
      "applicationInsightsEnabled",
      "workloadProfiles",
      "virtualNetworkAddressSpace",
      "infrastructureSubnetAddressPrefix",
      "infrastructureSubnetResourceId",
      "zoneRedundancyEnabled",
      "internalLoadBalancerEnabled",
      "diagnosticSettingsEnabled",
    ] as const
  ).filter((key) => props[key] !== undefined);
  if (conflicting.length > 0) {
    throw new ValidationError(
      `existingEnvironmentResourceId cannot be combined with ${conflicting.join(", ")} (they configure a new environment)`,
      scope,
    );
  }
  const match = ENVIRONMENT_ID.exec(environmentResourceId);
  if (!Token.isUnresolved(environmentResourceId) && !match) {
    throw new ValidationError(
      `existingEnvironmentResourceId must be a Container Apps environment id ` +
        `(/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.App/managedEnvironments/<name>), got '${environmentResourceId}'`,
      scope,
    );
  }
  return match;
}
