import {
  acceptedContent,
  inputRequired,
  type CallToolResult,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { RequestStateError, type RequestStateSigner } from "../request-state";

/** The longest `action` confirm_action accepts. */
export const CONFIRM_ACTION_MAX_CHARS = 500;
/** The key of the elicitation in `inputRequests` / `inputResponses`. */
export const CONFIRMATION_KEY = "confirmation";

/** What confirm_action is registered with. */
export interface ConfirmActionDeps {
  /** Signs the round's `requestState`; build it once per process from MCP_REQUEST_STATE_KEY. */
  readonly requestState: RequestStateSigner;
}

// Built once per process, not per server.
const inputSchema = z.object({
  action: z
    .string()
    .min(1, "action must not be empty")
    .max(CONFIRM_ACTION_MAX_CHARS, `action must be at most ${CONFIRM_ACTION_MAX_CHARS} characters`)
    .describe(`The action the user is asked to approve (at most ${CONFIRM_ACTION_MAX_CHARS} characters)`),
});
const confirmationSchema = z.object({
  approve: z.boolean().describe("Approve the action"),
});

/** What a round signs: the retry must be for this tool and the same action (spec: bind the request). */
interface PendingConfirmation {
  readonly tool: "confirm_action";
  readonly action: string;
}

function text(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }] };
}

/** Asks (again). On a 2025-era connection the SDK's shim turns this into an elicitation/create request. */
async function ask(
  action: string,
  ctx: ServerContext,
  deps: ConfirmActionDeps,
): Promise<InputRequiredResult> {
  return inputRequired({
    inputRequests: {
      [CONFIRMATION_KEY]: inputRequired.elicit({
        message: `Approve this action? ${action}`,
        requestedSchema: confirmationSchema,
      }),
    },
    requestState: await deps.requestState.sign<PendingConfirmation>({ tool: "confirm_action", action }, ctx),
  });
}

async function confirmAction(
  { action }: z.infer<typeof inputSchema>,
  ctx: ServerContext,
  deps: ConfirmActionDeps,
): Promise<CallToolResult | InputRequiredResult> {
  const state = ctx.mcpReq.requestState<string>();
  // No state: a first call, or a retry that lost it. Responses without our state prove nothing: ask.
  if (state === undefined) return ask(action, ctx, deps);
  // The retry. The state proves this server asked this caller about this action, recently.
  const pending = await deps.requestState.verify<PendingConfirmation>(state, ctx);
  if (pending.tool !== "confirm_action" || pending.action !== action) throw new RequestStateError("mismatch");
  const response = ctx.mcpReq.inputResponses?.[CONFIRMATION_KEY] as { action?: unknown } | undefined;
  const answer = acceptedContent(ctx.mcpReq.inputResponses, CONFIRMATION_KEY, confirmationSchema);
  // Spec (MRTR error handling): a missing or unusable answer is asked for again, not an error.
  const declined = response?.action === "decline" || response?.action === "cancel";
  if (answer === undefined && !declined) return ask(action, ctx, deps);
  const approved = answer?.approve === true;
  return {
    ...text(approved ? `Approved: ${action}` : `Not approved: ${action}`),
    structuredContent: { action, approved },
  };
}

/**
 * `confirm_action {action}`: asks the user to approve an action through a multi round-trip elicitation
 * (MCP 2026-07-28 `input_required`) and completes on the retry. The `requestState` is HMAC-signed, bound to
 * the caller and expires, so a tampered, expired or other caller's state is refused with a tool error.
 * 2025-era clients get the SDK's elicitation/create request instead, or a tool error when they did not
 * declare elicitation (or when a stateless request cannot receive one).
 */
export function registerConfirmAction(server: McpServer, deps: ConfirmActionDeps): void {
  server.registerTool(
    "confirm_action",
    {
      title: "Confirm action",
      description:
        "Asks the user to approve an action (an elicitation) and reports whether they approved. Performs nothing itself.",
      inputSchema,
      outputSchema: z.object({ action: z.string(), approved: z.boolean() }),
      annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: false },
    },
    (args, ctx) => confirmAction(args, ctx, deps),
  );
}
