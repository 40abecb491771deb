import { Construct } from "constructs";
import { MonitorDiagnosticSetting } from "@cdktf/provider-azurerm/lib/monitor-diagnostic-setting";

/**
 * Sends `logCategories` and all platform metrics of `targetResourceId` to a Log Analytics workspace, into
 * resource-specific tables (`AZMDiagnostics` is the legacy shared table).
 */
export function diagnosticSetting(
  scope: Construct,
  targetResourceId: string,
  logAnalyticsWorkspaceId: string,
  logCategories: readonly string[],
): MonitorDiagnosticSetting {
  return new MonitorDiagnosticSetting(scope, "Diagnostics", {
    name: "to-log-analytics",
    targetResourceId,
    logAnalyticsWorkspaceId,
    logAnalyticsDestinationType: "Dedicated",
    enabledLog: logCategories.map((category) => ({ category })),
    enabledMetric: [{ category: "AllMetrics" }],
  });
}
