import { App } from "cdktf";
import { bootstrapConfig } from "./stacks/bootstrap-config";
import { McpBootstrapStack } from "./stacks/bootstrap-stack";
import { applyDeploymentInputs, deploymentInputsFromEnvironment } from "./stacks/deployment-inputs";
import { environments } from "./stacks/environments";
import { McpHostingStack } from "./stacks/mcp-hosting-stack";
import { installProviderLocks } from "./stacks/provider-locks";
import { remoteStateFromEnvironment } from "./stacks/remote-state";

const app = new App();
const remoteState = remoteStateFromEnvironment(process.env);
const inputs = deploymentInputsFromEnvironment(process.env);
for (const config of environments) {
  const environment = applyDeploymentInputs(config, inputs);
  new McpHostingStack(app, config.stackName, {
    environment,
    remoteState,
    deployerPrincipalId: inputs.deployerPrincipalId,
    // Remote state is the pipeline's: mcp-bootstrap created the resource group and scoped the deployer to it.
    existingResourceGroup: remoteState !== undefined,
  });
}
new McpBootstrapStack(app, "mcp-bootstrap", bootstrapConfig(process.env));
app.synth();
// Committed lock files go next to each synthesized stack; init then reads them (-lockfile=readonly).
installProviderLocks(
  app.outdir,
  [...environments.map((environment) => environment.stackName), "mcp-bootstrap"],
  { generate: process.env.MCP_PROVIDER_LOCKS === "generate" },
);
