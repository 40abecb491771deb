import { randomBytes } from "node:crypto";
import {
  acceptedContent,
  CLIENT_CAPABILITIES_META_KEY,
  completable,
  createRequestStateCodec,
  fromJsonSchema,
  inputRequired,
  McpServer,
  ResourceTemplate,
  type CallToolResult,
  type InputRequiredResult,
  type JsonSchemaType,
  type ServerContext,
  type ServerNotifier,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { registerTaskFixtures } from "./fixtures-tasks";

// The names, texts and shapes below are what @modelcontextprotocol/conformance 0.2.0-alpha.12 asks of a
// server (each scenario's "Server Implementation Requirements"), for both the 2025-11-25 and the 2026-07-28
// requirement sets. Tools that need the client (sampling, elicitation, roots) are written once as multi
// round-trip handlers: 2026-07-28 clients fulfil the input_required result; on a 2025-era session the SDK's
// legacy shim sends the real server-to-client request instead.
const RED_PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
// 44-byte WAV header with no samples: the smallest valid audio/wav.
const EMPTY_WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });
type ToolResult = CallToolResult | InputRequiredResult;

// requestState of the fixtures is HMAC-signed (the tampered-state scenario); one key per process is enough
// for one fixtures server. The codec's verify runs as the server's requestState hook, before any handler.
const stateCodec = createRequestStateCodec<Record<string, unknown>>({ key: randomBytes(32) });
const stateOf = (ctx: ServerContext): Record<string, unknown> | undefined =>
  ctx.mcpReq.requestState<Record<string, unknown>>();

const nameSchema = z.object({ name: z.string() });

/** A string parameter mirrored in a custom header (SEP-2243 `x-mcp-header`). */
const CUSTOM_HEADER_INPUT = {
  type: "object",
  properties: { region: { type: "string", "x-mcp-header": "Region" } },
  required: ["region"],
};

/** The `json-schema-2020-12` scenario's schema, keyword for keyword (SEP-1613, SEP-2106). */
export const JSON_SCHEMA_2020_12_INPUT = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  $defs: {
    address: {
      $anchor: "addressDef",
      type: "object",
      properties: { street: { type: "string" }, city: { type: "string" } },
    },
  },
  properties: {
    name: { type: "string" },
    address: { $ref: "#/$defs/address" },
    contactMethod: { type: "string", enum: ["phone", "email"] },
    phone: { type: "string" },
    email: { type: "string" },
  },
  allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
  if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
  then: { required: ["phone"] },
  else: { required: ["email"] },
  additionalProperties: false,
} as const;

function registerContentTools(server: McpServer): void {
  server.registerTool("test_simple_text", { description: "Simple text" }, async () =>
    text("This is a simple text response for testing."),
  );
  server.registerTool("test_image_content", { description: "Image" }, async () => ({
    content: [{ type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" }],
  }));
  server.registerTool("test_audio_content", { description: "Audio" }, async () => ({
    content: [{ type: "audio", data: EMPTY_WAV, mimeType: "audio/wav" }],
  }));
  server.registerTool("test_embedded_resource", { description: "Embedded resource" }, async () => ({
    content: [
      {
        type: "resource",
        resource: {
          uri: "test://embedded-resource",
          mimeType: "text/plain",
          text: "This is an embedded resource content.",
        },
      },
    ],
  }));
  server.registerTool("test_multiple_content_types", { description: "Mixed content" }, async () => ({
    content: [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" },
      {
        type: "resource",
        resource: {
          uri: "test://mixed-content-resource",
          mimeType: "application/json",
          text: '{"test":"data","value":123}',
        },
      },
    ],
  }));
  server.registerTool("test_error_handling", { description: "Always fails" }, async () => {
    throw new Error("This tool intentionally returns an error for testing");
  });
  // Raw JSON Schema through the SDK's fromJsonSchema: zod cannot express allOf/if/then/else or $anchor, and
  // the SDK lists a fromJsonSchema schema exactly as given (SEP-2106).
  server.registerTool(
    "json_schema_2020_12_tool",
    {
      description: "Tool with JSON Schema 2020-12 features",
      inputSchema: fromJsonSchema(JSON_SCHEMA_2020_12_INPUT),
    },
    async () => text("ok"),
  );
  // SEP-2243: `region` is mirrored in the Mcp-Param-Region header; the SDK checks header against body.
  server.registerTool(
    "test_custom_header",
    {
      description: "Takes a region that clients also send in the Mcp-Param-Region header",
      inputSchema: fromJsonSchema<{ region: string }>(CUSTOM_HEADER_INPUT as JsonSchemaType),
    },
    async ({ region }) => text(`region=${region}`),
  );
}

function registerNotifyingTools(server: McpServer): void {
  server.registerTool("test_tool_with_logging", { description: "Logs while running" }, async (ctx) => {
    for (const [i, data] of [
      "Tool execution started",
      "Tool processing data",
      "Tool execution completed",
    ].entries()) {
      if (i > 0) await sleep(50);
      await ctx.mcpReq.log("info", data);
    }
    return text("Logging test completed");
  });
  server.registerTool("test_tool_with_progress", { description: "Reports progress" }, async (ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    for (const [i, progress] of [0, 50, 100].entries()) {
      if (i > 0) await sleep(50);
      if (progressToken !== undefined) {
        await ctx.mcpReq.notify({
          method: "notifications/progress",
          params: { progressToken, progress, total: 100 },
        });
      }
    }
    return text("Progress test completed");
  });
  server.registerTool(
    "test_reconnection",
    { description: "Closes its SSE stream mid-call (SEP-1699)" },
    async (ctx) => {
      await sleep(100);
      ctx.http?.closeSSE?.();
      await sleep(200);
      return text("Reconnection test completed");
    },
  );
}

/** The 2025-11-25 client-input tools, as multi round-trip handlers. */
function registerClientInputTools(server: McpServer): void {
  server.registerTool(
    "test_sampling",
    {
      description: "Asks the client's LLM",
      inputSchema: { prompt: z.string().describe("The prompt to send to the LLM") },
    },
    async ({ prompt }, ctx): Promise<ToolResult> => {
      const answer = ctx.mcpReq.inputResponses?.llm as
        { content?: { type: string; text?: string } } | undefined;
      if (answer?.content === undefined) {
        return inputRequired({
          inputRequests: {
            llm: inputRequired.createMessage({
              messages: [{ role: "user", content: { type: "text", text: prompt } }],
              maxTokens: 100,
            }),
          },
        });
      }
      const reply = answer.content.type === "text" ? answer.content.text : JSON.stringify(answer.content);
      return text(`LLM response: ${reply}`);
    },
  );
  server.registerTool(
    "test_elicitation",
    {
      description: "Asks the user",
      inputSchema: { message: z.string().describe("The message to show the user") },
    },
    async ({ message }, ctx): Promise<ToolResult> => {
      const answer = ctx.mcpReq.inputResponses?.user;
      if (answer === undefined) {
        return inputRequired({
          inputRequests: {
            user: inputRequired.elicit({
              message,
              requestedSchema: {
                type: "object",
                properties: {
                  username: { type: "string", description: "User's response" },
                  email: { type: "string", description: "User's email address" },
                },
                required: ["username", "email"],
              },
            }),
          },
        });
      }
      return text(`User response: ${JSON.stringify(answer)}`);
    },
  );
  const elicitForm = (
    name: string,
    message: string,
    properties: Record<string, Record<string, unknown>>,
  ): void => {
    server.registerTool(name, { description: message }, async (ctx): Promise<ToolResult> => {
      const answer = ctx.mcpReq.inputResponses?.form as
        { action: string; content?: Record<string, unknown> } | undefined;
      if (answer === undefined) {
        return inputRequired({
          inputRequests: {
            form: inputRequired.elicit({
              message,
              requestedSchema: { type: "object", properties, required: [] } as never,
            }),
          },
        });
      }
      return text(
        `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`,
      );
    });
  };
  elicitForm("test_elicitation_sep1034_defaults", "Please review and update the form fields with defaults", {
    name: { type: "string", description: "User name", default: "John Doe" },
    age: { type: "integer", description: "User age", default: 30 },
    score: { type: "number", description: "User score", default: 95.5 },
    status: {
      type: "string",
      description: "User status",
      enum: ["active", "inactive", "pending"],
      default: "active",
    },
    verified: { type: "boolean", description: "Verification status", default: true },
  });
  elicitForm("test_elicitation_sep1330_enums", "Please select options from the enum fields", {
    untitledSingle: {
      type: "string",
      description: "Untitled single-select",
      enum: ["option1", "option2", "option3"],
    },
    titledSingle: {
      type: "string",
      description: "Titled single-select",
      oneOf: [
        { const: "value1", title: "First Option" },
        { const: "value2", title: "Second Option" },
        { const: "value3", title: "Third Option" },
      ],
    },
    legacyEnum: {
      type: "string",
      description: "Legacy titled enum",
      enum: ["opt1", "opt2", "opt3"],
      enumNames: ["Option One", "Option Two", "Option Three"],
    },
    untitledMulti: {
      type: "array",
      description: "Untitled multi-select",
      items: { type: "string", enum: ["option1", "option2", "option3"] },
    },
    titledMulti: {
      type: "array",
      description: "Titled multi-select",
      items: {
        anyOf: [
          { const: "value1", title: "First Choice" },
          { const: "value2", title: "Second Choice" },
          { const: "value3", title: "Third Choice" },
        ],
      },
    },
  });
}

const askName = (message: string) =>
  inputRequired.elicit({
    message,
    requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
  });

/** Asks for a name through input_required, then greets (SEP-2322 A1; SEP-2575's streaming elicitation). */
async function greetByName(ctx: ServerContext): Promise<ToolResult> {
  const answer = acceptedContent(ctx.mcpReq.inputResponses, "user_name", nameSchema);
  if (answer === undefined)
    return inputRequired({ inputRequests: { user_name: askName("What is your name?") } });
  return text(`Hello, ${answer.name}!`);
}

/** The diagnostic tools `server-stateless` (SEP-2575) probes. */
function registerStatelessDiagnostics(server: McpServer, notify: ServerNotifier): void {
  // Needs sampling: the SDK answers -32021 when the request's envelope does not declare it.
  server.registerTool(
    "test_missing_capability",
    { description: "Needs the sampling capability" },
    async (ctx) => {
      if (ctx.mcpReq.inputResponses !== undefined) return text("sampled");
      return inputRequired({
        inputRequests: {
          sample: inputRequired.createMessage({
            messages: [{ role: "user", content: { type: "text", text: "Say hello" } }],
            maxTokens: 10,
          }),
        },
      });
    },
  );
  server.registerTool(
    "test_streaming_elicitation",
    { description: "Asks through input_required, never a server-to-client request" },
    greetByName,
  );
  // subscriptions/listen streams opted in to list changes hear about these, through the serving handler's
  // bus: this per-request instance has no stream of its own.
  server.registerTool(
    "test_trigger_tool_change",
    { description: "Announces a tools list change" },
    async () => {
      notify.toolsChanged();
      return text("tools list changed");
    },
  );
  server.registerTool(
    "test_trigger_prompt_change",
    { description: "Announces a prompts list change" },
    async () => {
      notify.promptsChanged();
      return text("prompts list changed");
    },
  );
  server.registerTool(
    "test_logging_tool",
    { description: "Logs; the SDK drops it without logLevel" },
    async (ctx) => {
      await ctx.mcpReq.log("info", "test_logging_tool ran");
      return text("Logging tool completed");
    },
  );
}

/** The 2026-07-28 input-required-result-* scenarios (SEP-2322). */
function registerInputRequiredTools(server: McpServer): void {
  server.registerTool(
    "test_input_required_result_elicitation",
    { description: "Asks for a name (SEP-2322 A1)" },
    greetByName,
  );
  server.registerTool(
    "test_input_required_result_sampling",
    { description: "Asks the client's LLM" },
    async (ctx): Promise<ToolResult> => {
      const answer = ctx.mcpReq.inputResponses?.capital_question as
        { content?: { text?: string } } | undefined;
      if (answer?.content === undefined) {
        return inputRequired({
          inputRequests: {
            capital_question: inputRequired.createMessage({
              messages: [{ role: "user", content: { type: "text", text: "What is the capital of France?" } }],
              maxTokens: 100,
            }),
          },
        });
      }
      return text(`LLM said: ${answer.content.text ?? ""}`);
    },
  );
  server.registerTool(
    "test_input_required_result_list_roots",
    { description: "Asks for the client's roots" },
    async (ctx): Promise<ToolResult> => {
      const answer = ctx.mcpReq.inputResponses?.client_roots as { roots?: { uri: string }[] } | undefined;
      if (!Array.isArray(answer?.roots)) {
        return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
      }
      return text(`Roots: ${answer.roots.map((root) => root.uri).join(", ")}`);
    },
  );
  server.registerTool(
    "test_input_required_result_request_state",
    { description: "Round-trips a signed requestState" },
    async (ctx): Promise<ToolResult> => {
      const state = stateOf(ctx);
      const answer = acceptedContent(ctx.mcpReq.inputResponses, "confirm", z.object({ ok: z.boolean() }));
      if (state?.round === 1 && answer !== undefined) return text(`state-ok: confirmed=${answer.ok}`);
      return inputRequired({
        inputRequests: {
          confirm: inputRequired.elicit({
            message: "Please confirm",
            requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
          }),
        },
        requestState: await stateCodec.mint({ round: 1 }),
      });
    },
  );
  server.registerTool(
    "test_input_required_result_tampered_state",
    { description: "Refuses a tampered requestState" },
    async (ctx): Promise<ToolResult> => {
      if (stateOf(ctx)?.round === 1) return text("state verified");
      return inputRequired({
        inputRequests: { user_name: askName("What is your name?") },
        requestState: await stateCodec.mint({ round: 1 }),
      });
    },
  );
  server.registerTool(
    "test_input_required_result_multiple_inputs",
    { description: "Asks for three inputs at once" },
    async (ctx): Promise<ToolResult> => {
      const responses = ctx.mcpReq.inputResponses ?? {};
      const keys = ["user_name", "greeting", "client_roots"];
      if (stateOf(ctx)?.round === 1 && keys.every((key) => key in responses)) {
        return text(`Received: ${keys.join(", ")}`);
      }
      return inputRequired({
        inputRequests: {
          user_name: askName("What is your name?"),
          greeting: inputRequired.createMessage({
            messages: [{ role: "user", content: { type: "text", text: "Generate a greeting" } }],
            maxTokens: 50,
          }),
          client_roots: inputRequired.listRoots(),
        },
        requestState: await stateCodec.mint({ round: 1 }),
      });
    },
  );
  server.registerTool(
    "test_input_required_result_multi_round",
    { description: "Asks twice" },
    async (ctx): Promise<ToolResult> => {
      const round = stateOf(ctx)?.round;
      const responses = ctx.mcpReq.inputResponses ?? {};
      if (round === 2 && "step2" in responses) return text("Both steps completed");
      if (round === 1 && "step1" in responses) {
        return inputRequired({
          inputRequests: {
            step2: inputRequired.elicit({
              message: "Step 2: What is your favorite color?",
              requestedSchema: {
                type: "object",
                properties: { color: { type: "string" } },
                required: ["color"],
              },
            }),
          },
          requestState: await stateCodec.mint({ round: 2 }),
        });
      }
      return inputRequired({
        inputRequests: { step1: askName("Step 1: What is your name?") },
        requestState: await stateCodec.mint({ round: 1 }),
      });
    },
  );
  server.registerTool(
    "test_input_required_result_capabilities",
    { description: "Asks only for what the request's client capabilities declare" },
    async (ctx): Promise<ToolResult> => {
      if (ctx.mcpReq.inputResponses !== undefined) return text("Received the declared inputs");
      const envelope = (ctx.mcpReq.envelope ?? {}) as Record<string, Record<string, unknown> | undefined>;
      const declared = envelope[CLIENT_CAPABILITIES_META_KEY] ?? {};
      return inputRequired({
        inputRequests: {
          ...(declared.elicitation ? { user_name: askName("What is your name?") } : {}),
          ...(declared.sampling
            ? {
                greeting: inputRequired.createMessage({
                  messages: [{ role: "user", content: { type: "text", text: "Generate a greeting" } }],
                  maxTokens: 50,
                }),
              }
            : {}),
          ...(declared.roots ? { client_roots: inputRequired.listRoots() } : {}),
        },
      });
    },
  );
  server.registerPrompt(
    "test_input_required_result_prompt",
    { description: "A prompt that asks for context first" },
    async (ctx) => {
      const answer = acceptedContent(
        ctx.mcpReq.inputResponses,
        "user_context",
        z.object({ context: z.string() }),
      );
      if (answer === undefined) {
        return inputRequired({
          inputRequests: {
            user_context: inputRequired.elicit({
              message: "What context should the prompt use?",
              requestedSchema: {
                type: "object",
                properties: { context: { type: "string" } },
                required: ["context"],
              },
            }),
          },
        });
      }
      return {
        messages: [{ role: "user", content: { type: "text", text: `Context: ${answer.context}` } }],
      };
    },
  );
}

function registerResources(server: McpServer): void {
  server.registerResource(
    "static-text",
    "test://static-text",
    { description: "Static text", mimeType: "text/plain" },
    async (uri) => ({
      contents: [
        { uri: uri.href, mimeType: "text/plain", text: "This is the content of the static text resource." },
      ],
    }),
  );
  server.registerResource(
    "static-binary",
    "test://static-binary",
    { description: "Static binary", mimeType: "image/png" },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: "image/png", blob: RED_PIXEL_PNG }] }),
  );
  server.registerResource(
    "watched-resource",
    "test://watched-resource",
    { description: "A resource to subscribe to", mimeType: "text/plain" },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: "text/plain", text: "Watched resource content" }],
    }),
  );
  server.registerResource(
    "template",
    new ResourceTemplate("test://template/{id}/data", { list: undefined }),
    { description: "Template resource", mimeType: "application/json" },
    async (uri, { id }) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "application/json",
          text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${String(id)}` }),
        },
      ],
    }),
  );
}

/** 2025-era resources/subscribe and unsubscribe: acknowledged; nothing here ever changes. */
function registerSubscriptions(server: McpServer): void {
  server.server.setRequestHandler("resources/subscribe", async () => ({}));
  server.server.setRequestHandler("resources/unsubscribe", async () => ({}));
}

function registerPrompts(server: McpServer): void {
  server.registerPrompt("test_simple_prompt", { description: "Simple prompt" }, async () => ({
    messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt for testing." } }],
  }));
  server.registerPrompt(
    "test_prompt_with_arguments",
    {
      description: "Prompt with arguments",
      argsSchema: {
        arg1: completable(z.string().describe("First test argument"), (value) =>
          ["paris", "park", "party"].filter((v) => v.startsWith(value)),
        ),
        arg2: z.string().describe("Second test argument"),
      },
    },
    async ({ arg1, arg2 }) => ({
      messages: [
        {
          role: "user",
          content: { type: "text", text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` },
        },
      ],
    }),
  );
  server.registerPrompt(
    "test_prompt_with_embedded_resource",
    {
      description: "Prompt with an embedded resource",
      argsSchema: { resourceUri: z.string().describe("URI of the resource to embed") },
    },
    async ({ resourceUri }) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "resource",
            resource: {
              uri: resourceUri,
              mimeType: "text/plain",
              text: "Embedded resource content for testing.",
            },
          },
        },
        { role: "user", content: { type: "text", text: "Please process the embedded resource above." } },
      ],
    }),
  );
  server.registerPrompt("test_prompt_with_image", { description: "Prompt with an image" }, async () => ({
    messages: [
      { role: "user", content: { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" } },
      { role: "user", content: { type: "text", text: "Please analyze the image above." } },
    ],
  }));
}

/**
 * Everything the conformance suite expects of a server, on a v2 McpServer (one per request or session).
 * `notify` is the serving handler's list-change publisher (`createMcpHandler(...).notify`).
 */
export function createFixturesServer(notify: ServerNotifier): McpServer {
  const server = new McpServer(
    { name: "cdktf-azure-mcp-conformance-fixtures", version: "0.0.0" },
    {
      // No `tools` here: registerTaskFixtures hooks tools/call as the first registerTool installs it.
      capabilities: {
        resources: { subscribe: true },
        prompts: { listChanged: true },
        completions: {},
        logging: {},
      },
      requestState: { verify: (state) => stateCodec.verify(state, undefined as never) },
    },
  );
  registerTaskFixtures(server);
  registerContentTools(server);
  registerNotifyingTools(server);
  registerClientInputTools(server);
  registerInputRequiredTools(server);
  registerStatelessDiagnostics(server, notify);
  registerResources(server);
  registerSubscriptions(server);
  registerPrompts(server);
  return server;
}
