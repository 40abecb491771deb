import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport, McpServer } from "@modelcontextprotocol/server";
import { loadConfig } from "../../../server/config";
import { createMcpServer } from "../../../server/create-mcp-server";
import { createRequestStateSigner } from "../../../server/request-state";
import { serverDepsFor } from "../../../server/server-deps";
import { createTasksRuntime } from "../../../server/tasks/runtime";
import { enableTasks } from "../../../server/tasks/tasks";
import { BUILT_IN_TOOLS } from "../../../server/tools/registry";
import { TestCredential, WORKSPACE_ID } from "./log-analytics-stand-in";

/** The tools `server` lists, in order, read with the SDK's own client over an in-memory transport. */
export async function toolNamesOf(server: McpServer): Promise<string[]> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: "tool-names", version: "0.0.0" });
  await client.connect(clientTransport);
  try {
    return (await client.listTools()).tools.map((tool) => tool.name);
  } finally {
    await client.close();
  }
}

/**
 * The names the tool registry (BUILT_IN_TOOLS) registers, in `tools/list` order: what every server serves
 * without optional configuration. Registered on a bare McpServer, not through createMcpServer, so a test that
 * compares a served list with this one checks createMcpServer and the transport against the registry.
 */
export async function builtInToolNames(): Promise<string[]> {
  const server = new McpServer({ name: "tool-registry", version: "0.0.0" });
  const tasks = enableTasks(server, createTasksRuntime({ key: randomBytes(32) }));
  const requestState = createRequestStateSigner(randomBytes(32));
  for (const register of BUILT_IN_TOOLS) register({ server, tasks, requestState });
  return toolNamesOf(server);
}

/**
 * Every tool the server can serve, in `tools/list` order: the registry's, then those `serverDepsFor` adds
 * when each setting that adds a tool is given. A tool that needs a setting adds that setting here.
 */
export async function everyToolName(): Promise<string[]> {
  const env = { LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID };
  return toolNamesOf(createMcpServer(serverDepsFor(loadConfig(env), { credential: new TestCredential() })));
}
