import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { eventually } from "./test-server";

/**
 * Starts a tool call that reports progress and returns once the first progress notification has arrived, so
 * the call is known to be running; `call` settles with the result, or with the error (an abort through
 * `signal`, say).
 */
export async function callUntilProgress(
  client: Client,
  params: { name: string; arguments: Record<string, unknown> },
  signal?: AbortSignal,
): Promise<{ call: Promise<unknown> }> {
  let progressed = false;
  const call = client
    .callTool(params, undefined, { signal, onprogress: () => (progressed = true) })
    .catch((error: unknown) => error);
  await eventually(() => progressed);
  return { call };
}
