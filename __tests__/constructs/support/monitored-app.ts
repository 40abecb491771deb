import { Construct } from "constructs";
import { McpContainerApp } from "../../../constructs/mcp-container-app";
import { McpEnvironment } from "../../../constructs/mcp-environment";
import { ServerImage } from "../../../constructs/server-image";
import { placement, testEnvironment } from "./common";

/** An environment with Application Insights and an app in it, the parts every monitoring construct reads. */
export function monitoredApp(
  scope: Construct,
  appProps: { customDomainHostName?: string } = {},
): { environment: McpEnvironment; app: McpContainerApp } {
  const environment = testEnvironment(scope, { applicationInsightsEnabled: true });
  const app = new McpContainerApp(scope, "Server", {
    ...placement,
    environment,
    name: "ca-test",
    image: ServerImage.fromReference("example.azurecr.io/mcp-server:1.2.3"),
    authMode: "apikey",
    secrets: { "mcp-api-keys": { keyVaultSecretId: "https://kv-test.vault.azure.net/secrets/mcp-api-keys" } },
    secretEnvironmentVariables: { MCP_API_KEYS: "mcp-api-keys" },
    ...appProps,
  });
  return { environment, app };
}
