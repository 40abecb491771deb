import { Token } from "cdktf";
import { Construct } from "constructs";
import { LogAnalyticsWorkspace } from "@cdktf/provider-azurerm/lib/log-analytics-workspace";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import { MonitorScheduledQueryRulesAlertV2 } from "@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2";
import { McpContainerApp } from "./mcp-container-app";
import { McpEnvironment } from "./mcp-environment";
import { alertQueries } from "./monitoring-queries";
import { requiredRenamedProp } from "./private/renamed-prop";
import { ValidationError } from "./validation-error";

/** Props of `McpAlerts`. */
export interface McpAlertsProps {
  /** Resource group of the action group and the alert rules. */
  readonly resourceGroupName: string;
  /** Azure region of the log alert rules (the workspace's region). */
  readonly location: string;
  /**
   * Base of the derived names: the action group is `ag-<baseName>`, the alerts `alert-<baseName>-<what>`.
   * Required (optional in the type only while the deprecated `name` is accepted).
   * @default - none; required
   */
  readonly baseName?: string;
  /**
   * The former name of `baseName`, still accepted for one release (a synth warning names the new one).
   * @deprecated use `baseName`; giving both with different values is an error.
   * @default - none
   */
  readonly name?: string;
  /**
   * The environment whose workspace holds the logs and spans; it must be one this library created, with
   * Application Insights (the tool alerts read the tool-call spans).
   */
  readonly environment: McpEnvironment;
  /** The app the alerts watch. */
  readonly app: McpContainerApp;
  /**
   * Who is mailed when an alert fires. With none, the action group exists with no receivers: alerts still
   * fire and show in the portal (Monitor > Alerts), and receivers can be added later without touching the rules.
   * @default []
   */
  readonly emailReceivers?: readonly string[];
  /**
   * Webhooks the action group calls with the common alert schema. Each URL must be https with no user info
   * and no query string: it is stored in the Terraform JSON and state, so it must not carry a secret.
   * @default []
   */
  readonly webhookReceivers?: readonly McpAlertWebhookReceiver[];
  /** Alert when more than this percentage of non-probe requests get a 5xx in 15 minutes (at least 20 requests). @default 5 */
  readonly http5xxPercentThreshold?: number;
  /** Alert when a tool's 95th percentile call duration exceeds this over 15 minutes (at least 10 calls). @default 5000 */
  readonly toolLatencyP95ThresholdMs?: number;
  /** Alert when more than this percentage of a tool's calls fail in 15 minutes (at least 10 calls). @default 10 */
  readonly toolErrorPercentThreshold?: number;
  /**
   * Alert when the ingress answers more than this many 5xx in 15 minutes, from the platform's `Requests`
   * metric: it counts what never reached a replica (502/503/504 with no ready replica), which server logs miss.
   * @default 10
   */
  readonly ingress5xxCountThreshold?: number;
  /** Alert when replicas restart more than this many times in 15 minutes. @default 2 */
  readonly replicaRestartsThreshold?: number;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A webhook receiver of the action group. */
export interface McpAlertWebhookReceiver {
  /** The receiver's name in the action group. */
  readonly name: string;
  /** The https URL the action group posts alerts to. */
  readonly serviceUri: string;
}

// Deliberately simple: one @, no spaces, a dot in the domain. Azure rejects what this lets through at deploy.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * The service's alerts, all sent to one action group: HTTP 5xx rate, replica restarts, p95 latency of
 * `tools/call` per tool, and tool error rate per tool. Log alerts evaluate every 5 minutes over 15.
 */
export class McpAlerts extends Construct {
  /** The action group every alert notifies (`ActionGroup`). */
  public readonly actionGroup: MonitorActionGroup;
  /** The share of requests the server answered with 5xx. */
  public readonly http5xxAlert: MonitorScheduledQueryRulesAlertV2;
  /** The p95 latency of tool calls, per tool. */
  public readonly toolLatencyAlert: MonitorScheduledQueryRulesAlertV2;
  /** The share of tool calls that failed, per tool. */
  public readonly toolErrorAlert: MonitorScheduledQueryRulesAlertV2;
  /** Replica restarts (the platform's `RestartCount` metric). */
  public readonly replicaRestartAlert: MonitorMetricAlert;
  /** Ingress 5xx from the platform metric (`Requests` split by `statusCodeCategory`). */
  public readonly ingress5xxAlert: MonitorMetricAlert;

  constructor(scope: Construct, id: string, props: McpAlertsProps) {
    super(scope, id);
    const baseName = requiredRenamedProp(this, "baseName", props.baseName, "name", props.name);
    const thresholds = {
      http5xxPercentThreshold: props.http5xxPercentThreshold ?? 5,
      toolLatencyP95ThresholdMs: props.toolLatencyP95ThresholdMs ?? 5000,
      toolErrorPercentThreshold: props.toolErrorPercentThreshold ?? 10,
      replicaRestartsThreshold: props.replicaRestartsThreshold ?? 2,
      ingress5xxCountThreshold: props.ingress5xxCountThreshold ?? 10,
    };
    checkAlertsProps(this, props, thresholds);
    const workspace = props.environment.workspace as LogAnalyticsWorkspace;
    const tags = { ...props.tags };

    this.actionGroup = this.createActionGroup(props, baseName, tags);
    const queries = alertQueries(props.app.name);
    const logAlertContext = {
      baseName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      workspaceId: workspace.id,
      tags,
    };
    const actionGroupTags = tags;
    this.http5xxAlert = this.logAlert(
      logAlertContext,
      "Http5xx",
      `More than ${thresholds.http5xxPercentThreshold}% of MCP requests failed with 5xx in 15 minutes`,
      1,
      {
        query: queries.http5xxPercent,
        column: "failedPercent",
        threshold: thresholds.http5xxPercentThreshold,
        splitByTool: false,
      },
    );
    this.toolLatencyAlert = this.logAlert(
      logAlertContext,
      "ToolLatency",
      `A tool's p95 tools/call duration exceeded ${thresholds.toolLatencyP95ThresholdMs} ms over 15 minutes`,
      2,
      {
        query: queries.toolLatencyP95,
        column: "p95Ms",
        threshold: thresholds.toolLatencyP95ThresholdMs,
        splitByTool: true,
      },
    );
    this.toolErrorAlert = this.logAlert(
      logAlertContext,
      "ToolErrors",
      `More than ${thresholds.toolErrorPercentThreshold}% of a tool's calls failed in 15 minutes`,
      2,
      {
        query: queries.toolErrorPercent,
        column: "errorPercent",
        threshold: thresholds.toolErrorPercentThreshold,
        splitByTool: true,
      },
    );
    this.ingress5xxAlert = this.metricAlert(props, baseName, actionGroupTags, "Ingress5xx", {
      description: `The ingress answered more than ${thresholds.ingress5xxCountThreshold} requests with 5xx in 15 minutes`,
      metricName: "Requests",
      threshold: thresholds.ingress5xxCountThreshold,
      dimension: [{ name: "statusCodeCategory", operator: "Include", values: ["5xx"] }],
    });
    this.replicaRestartAlert = this.metricAlert(props, baseName, actionGroupTags, "ReplicaRestarts", {
      description: `Replicas restarted more than ${thresholds.replicaRestartsThreshold} times in 15 minutes`,
      metricName: "RestartCount",
      threshold: thresholds.replicaRestartsThreshold,
    });
  }

  /** The action group every alert notifies: the mail and webhook receivers. */
  private createActionGroup(
    props: McpAlertsProps,
    baseName: string,
    tags: Record<string, string>,
  ): MonitorActionGroup {
    return new MonitorActionGroup(this, "ActionGroup", {
      name: `ag-${baseName}`,
      resourceGroupName: props.resourceGroupName,
      location: "global",
      // At most 12 characters: the sender name of mails and texts.
      shortName: baseName.slice(0, 12),
      emailReceiver: (props.emailReceivers ?? []).map((emailAddress, i) => ({
        name: `email-${i}`,
        emailAddress,
        useCommonAlertSchema: true,
      })),
      webhookReceiver: (props.webhookReceivers ?? []).map((webhook) => ({
        name: webhook.name,
        serviceUri: webhook.serviceUri,
        useCommonAlertSchema: true,
      })),
      tags,
    });
  }

  /** A log alert on the workspace: the query's maximum over 15 minutes, every 5. */
  private logAlert(
    context: LogAlertContext,
    alertId: string,
    description: string,
    severity: number,
    criteria: { query: string; column: string; threshold: number; splitByTool: boolean },
  ): MonitorScheduledQueryRulesAlertV2 {
    return new MonitorScheduledQueryRulesAlertV2(this, alertId, {
      name: `alert-${context.baseName}-${alertId.toLowerCase()}`,
      resourceGroupName: context.resourceGroupName,
      location: context.location,
      description,
      severity,
      scopes: [context.workspaceId],
      evaluationFrequency: "PT5M",
      windowDuration: "PT15M",
      // Azure checks the query against the workspace at creation, and ContainerAppConsoleLogs_CL exists only
      // once the first log line arrived. npm test checks every query against the schema offline instead.
      skipQueryValidation: true,
      criteria: [
        {
          query: criteria.query,
          timeAggregationMethod: "Maximum",
          metricMeasureColumn: criteria.column,
          operator: "GreaterThan",
          threshold: criteria.threshold,
          dimension: criteria.splitByTool
            ? [{ name: "tool", operator: "Include", values: ["*"] }]
            : undefined,
          failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
        },
      ],
      autoMitigationEnabled: true,
      action: { actionGroups: [this.actionGroup.id] },
      tags: context.tags,
    });
  }

  /** A platform-metric alert on the container app: the metric's total over 15 minutes, every 5. */
  private metricAlert(
    props: McpAlertsProps,
    baseName: string,
    tags: Record<string, string>,
    alertId: string,
    criterion: {
      description: string;
      metricName: string;
      threshold: number;
      dimension?: { name: string; operator: string; values: string[] }[];
    },
  ): MonitorMetricAlert {
    return new MonitorMetricAlert(this, alertId, {
      name: `alert-${baseName}-${alertId.toLowerCase()}`,
      resourceGroupName: props.resourceGroupName,
      description: criterion.description,
      severity: 1,
      scopes: [props.app.containerAppId],
      frequency: "PT5M",
      windowSize: "PT15M",
      criteria: [
        {
          metricNamespace: "Microsoft.App/containerApps",
          metricName: criterion.metricName,
          aggregation: "Total",
          operator: "GreaterThan",
          threshold: criterion.threshold,
          dimension: criterion.dimension,
        },
      ],
      action: [{ actionGroupId: this.actionGroup.id }],
      tags,
    });
  }
}

interface LogAlertContext {
  readonly baseName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly workspaceId: string;
  readonly tags: Record<string, string>;
}

function checkAlertsProps(
  scope: Construct,
  props: McpAlertsProps,
  thresholds: Readonly<Record<string, number>>,
): void {
  if (!props.environment.workspace) {
    throw new ValidationError(
      "environment must be one McpEnvironment created (got an adopted existing environment: no workspace to query)",
      scope,
    );
  }
  if (!props.environment.applicationInsights) {
    throw new ValidationError(
      "environment needs applicationInsightsEnabled=true (got false): the tool alerts read the server's tools/call spans",
      scope,
    );
  }
  (props.emailReceivers ?? []).forEach((email, i) => {
    if (!Token.isUnresolved(email) && !EMAIL.test(email)) {
      throw new ValidationError(
        `emailReceivers[${i}] must be an email address like ops@example.com (got '${email}')`,
        scope,
      );
    }
  });
  (props.webhookReceivers ?? []).forEach((webhook, i) => {
    const problem = Token.isUnresolved(webhook.serviceUri) ? undefined : webhookProblem(webhook.serviceUri);
    if (problem)
      throw new ValidationError(
        `webhookReceivers[${i}].serviceUri ${problem} (got '${webhook.serviceUri}')`,
        scope,
      );
  });
  for (const [field, value] of Object.entries(thresholds)) {
    if (!Token.isUnresolved(value) && !(Number.isFinite(value) && value >= 0)) {
      throw new ValidationError(`${field} must be a number >= 0 (got ${value})`, scope);
    }
  }
}

/** Why a webhook URL may not go into Terraform JSON, or undefined when it may. */
function webhookProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "must be an absolute https URL";
  }
  if (url.protocol !== "https:") return "must be an https URL";
  if (url.username || url.password) return "must not carry credentials (user info)";
  if (url.search || url.hash) return "must have no query string or fragment (they often carry a secret)";
  return undefined;
}
