import type { McpServer } from "@modelcontextprotocol/server";
import type { RequestStateSigner } from "../request-state";
import type { TaskTools } from "../tasks/tasks";
import { registerConfirmAction } from "./confirm-action";
import { registerEcho } from "./echo";
import { registerGetCurrentUtcTime } from "./get-current-utc-time";
import { registerWaitWithProgress } from "./wait-with-progress";
import { registerWhoami } from "./whoami";

/** What a built-in tool registers on: the server, its tasks extension, and the requestState signer. */
export interface ToolHost {
  /** The McpServer being built, for ordinary tools. */
  readonly server: McpServer;
  /** Registers tools that can also run as tasks (the tasks extension is hooked before any tool). */
  readonly tasks: TaskTools;
  /** Signs multi round-trip `requestState`; one per process, shared by every McpServer. */
  readonly requestState: RequestStateSigner;
}

/** Registers one built-in tool on a server being built. */
export type BuiltInTool = (host: ToolHost) => void;

/**
 * The tools every server serves, in `tools/list` order. A new tool is its file in `server/tools/`, one entry
 * here and its test; the tests that list tools and the tool table in docs/server.md derive their
 * expectations from this list. A tool that needs configuration (query_logs) is added by `serverDepsFor`.
 */
export const BUILT_IN_TOOLS: readonly BuiltInTool[] = [
  ({ server }) => registerEcho(server),
  ({ server }) => registerGetCurrentUtcTime(server),
  ({ server }) => registerWhoami(server),
  ({ tasks }) => registerWaitWithProgress(tasks),
  ({ server, requestState }) => registerConfirmAction(server, { requestState }),
];
