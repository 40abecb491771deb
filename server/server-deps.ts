import type { TokenCredential } from "@azure/identity";
import type { ServerConfig } from "./config";
import type { ServerDeps, ToolRegistration } from "./create-mcp-server";
import { CallerSlots } from "./http/caller-slots";
import { createRequestStateSigner } from "./request-state";
import { createTasksRuntime } from "./tasks/runtime";
import { traceToolHandler } from "./telemetry";
import { createQueryLogsDeps, registerQueryLogs } from "./tools/query-logs";

/** Stand-ins for Azure that tests pass; production passes none. */
export interface AzureOverrides {
  /** @default - DefaultAzureCredential with AZURE_CLIENT_ID */
  readonly credential?: TokenCredential;
  /** @default "https://api.loganalytics.io" */
  readonly logAnalyticsEndpoint?: string;
}

/**
 * The deps every McpServer of this process is built with, decided once from the configuration: a span per
 * tool call when Application Insights is configured, query_logs when a workspace is, and confirm_action's
 * requestState signer and the signer of task ids under MCP_REQUEST_STATE_KEY. Build it once and share it: the credential inside caches
 * its tokens.
 */
export function serverDepsFor(config: ServerConfig, azure: AzureOverrides = {}): ServerDeps {
  const extraTools: ToolRegistration[] = [];
  if (config.logAnalyticsWorkspaceId !== undefined) {
    const queryLogs = createQueryLogsDeps({
      workspaceId: config.logAnalyticsWorkspaceId,
      azureClientId: config.azureClientId,
      credential: azure.credential,
      endpoint: azure.logAnalyticsEndpoint,
    });
    extraTools.push((server) => registerQueryLogs(server, queryLogs));
  }
  return {
    extraTools,
    wrapToolHandler: config.applicationInsightsConnectionString ? traceToolHandler : undefined,
    requestState: createRequestStateSigner(config.requestStateKey),
    tasks: createTasksRuntime({
      key: config.requestStateKey,
      // Handed to createApp too (serve.ts): tasks hold their caller's place under the one tool-call cap.
      toolCallSlots: new CallerSlots(config.maxToolCallsPerCaller),
    }),
  };
}
