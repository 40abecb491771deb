import { App } from "cdktf";
import { environments } from "./stacks/environments";
import { McpHostingStack } from "./stacks/mcp-hosting-stack";
import { remoteStateFromEnvironment } from "./stacks/remote-state";

const app = new App();
const remoteState = remoteStateFromEnvironment(process.env);
for (const environment of environments) {
  new McpHostingStack(app, environment.stackName, { environment, remoteState });
}
app.synth();
