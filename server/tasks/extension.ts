import {
  CLIENT_CAPABILITIES_META_KEY,
  MissingRequiredClientCapabilityError,
} from "@modelcontextprotocol/server";

/** The MCP Tasks extension (SEP-2663), as clients and servers name it under `capabilities.extensions`. */
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

/** The methods the extension adds; a request for one without the extension declared gets -32021. */
export const TASKS_METHODS: ReadonlySet<string> = new Set(["tasks/get", "tasks/update", "tasks/cancel"]);

/**
 * Whether a 2026-07-28 request's `_meta` envelope declares the tasks extension in its client capabilities.
 * The declaration is per request (SEP-2575): an earlier request's capabilities count for nothing.
 */
export function declaresTasks(envelope: unknown): boolean {
  const capabilities = (envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
    { extensions?: Record<string, unknown> } | undefined;
  const declared = capabilities?.extensions?.[TASKS_EXTENSION];
  return declared !== undefined && declared !== null;
}

/** The -32021 answer (SEP-2663 "Capability Negotiation"), naming the extension in `data.requiredCapabilities`. */
export function tasksExtensionRequired(what: string): MissingRequiredClientCapabilityError {
  return new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
    `${what} needs the ${TASKS_EXTENSION} extension: declare it under ` +
      `_meta["${CLIENT_CAPABILITIES_META_KEY}"].extensions of this request`,
  );
}
