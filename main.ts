import { App } from "cdktf";
import { bootstrapConfig } from "./stacks/bootstrap-config";
import { McpBootstrapStack } from "./stacks/bootstrap-stack";
import { deploymentInputsFromEnvironment } from "./stacks/deployment-inputs";
import { environments } from "./stacks/environments";
import { McpHostingStack } from "./stacks/mcp-hosting-stack";
import { remoteStateFromEnvironment } from "./stacks/remote-state";

const app = new App();
const remoteState = remoteStateFromEnvironment(process.env);
const { serverImage, deployerPrincipalId } = deploymentInputsFromEnvironment(process.env);
for (const config of environments) {
  const environment = serverImage
    ? { ...config, image: { source: "existing" as const, imageReference: serverImage } }
    : config;
  new McpHostingStack(app, config.stackName, { environment, remoteState, deployerPrincipalId });
}
new McpBootstrapStack(app, "mcp-bootstrap", bootstrapConfig(process.env));
app.synth();
