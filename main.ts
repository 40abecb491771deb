import { App } from "cdktf";
import { environments } from "./stacks/environments";
import { McpHostingStack } from "./stacks/mcp-hosting-stack";

const app = new App();
for (const env of environments) {
  new McpHostingStack(app, env.stackName, env);
}
app.synth();
