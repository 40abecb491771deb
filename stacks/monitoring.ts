import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { McpAlerts } from "../constructs/mcp-alerts";
import { McpAvailabilityTest } from "../constructs/mcp-availability-test";
import { McpContainerApp } from "../constructs/mcp-container-app";
import { McpCustomDomain } from "../constructs/mcp-custom-domain";
import { McpEnvironment } from "../constructs/mcp-environment";
import { McpWorkbook } from "../constructs/mcp-workbook";
import { EnvironmentConfig } from "./environments";
import { refuseToPlan } from "./refuse-to-plan";

export interface Monitoring {
  readonly workbook: McpWorkbook;
  readonly alerts?: McpAlerts;
  readonly availabilityTest?: McpAvailabilityTest;
}

/**
 * What an operator looks at: the workbook always (it is free), alerts and the `/healthz` availability test
 * when the environment's `monitoring` config asks for them.
 */
export function addMonitoring(
  scope: Construct,
  config: EnvironmentConfig,
  parts: {
    readonly baseName: string;
    readonly placement: { resourceGroupName: string; location: string; tags: Record<string, string> };
    readonly environment: McpEnvironment;
    readonly app: McpContainerApp;
    /** The app's custom domain, when it has one: the availability test waits for its certificate binding. */
    readonly customDomain?: McpCustomDomain;
  },
): Monitoring {
  const { baseName, placement, environment, app, customDomain } = parts;
  const workbook = new McpWorkbook(scope, "Workbook", {
    ...placement,
    displayName: baseName,
    environment,
    app,
  });
  const alerts = config.monitoring?.alertsEnabled
    ? new McpAlerts(scope, "Alerts", {
        ...placement,
        baseName,
        environment,
        app,
        emailReceivers: config.monitoring.alertEmailReceivers,
        webhookReceivers: config.monitoring.alertWebhookReceivers,
      })
    : undefined;
  const monitoring = config.monitoring;
  const receivers =
    (monitoring?.alertEmailReceivers ?? []).length + (monitoring?.alertWebhookReceivers ?? []).length;
  if (alerts && monitoring?.alertReceiversRequired && receivers === 0) {
    refuseToPlan(
      TerraformStack.of(scope),
      "refused_no_alert_receivers",
      `${config.stackName} requires alert receivers but names none: add alertEmailReceivers or ` +
        "alertWebhookReceivers to its monitoring in stacks/environments.ts",
    );
  }
  const insights = environment.applicationInsights;
  const availabilityTest =
    config.monitoring?.availabilityTestEnabled && alerts && insights
      ? new McpAvailabilityTest(scope, "Availability", {
          ...placement,
          baseName,
          applicationInsights: insights,
          url: app.url,
          actionGroup: alerts.actionGroup,
          // The test checks TLS on app.url, the custom host: before the binding it would fail and alert.
          dependsOn: customDomain ? [customDomain.binding] : undefined,
        })
      : undefined;
  return { workbook, alerts, availabilityTest };
}
