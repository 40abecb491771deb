import { completable, McpServer, ResourceTemplate } from "@modelcontextprotocol/server";
import { z } from "zod";

// The names, texts and shapes below are what @modelcontextprotocol/conformance 0.1.13 asks of a server.
// Ported mechanically to the v2 SDK API (2025-era behaviour unchanged); the 2026-07-28 fixtures are issue 11 item 7.
const RED_PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
// 44-byte WAV header with no samples: the smallest valid audio/wav.
const EMPTY_WAV = Buffer.from(
  "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=",
  "base64",
).toString("base64");

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function registerTools(server: McpServer): void {
  server.registerTool("test_simple_text", { description: "Simple text" }, async () => ({
    content: [{ type: "text", text: "This is a simple text response for testing." }],
  }));
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
  server.registerTool("test_tool_with_logging", { description: "Logs while running" }, async (ctx) => {
    for (const [i, data] of [
      "Tool execution started",
      "Tool processing data",
      "Tool execution completed",
    ].entries()) {
      if (i > 0) await sleep(50);
      await ctx.mcpReq.notify({ method: "notifications/message", params: { level: "info", data } });
    }
    return { content: [{ type: "text", text: "Logging test completed" }] };
  });
  server.registerTool("test_error_handling", { description: "Always fails" }, async () => {
    throw new Error("This tool intentionally returns an error for testing");
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
    return { content: [{ type: "text", text: "Progress test completed" }] };
  });
  server.registerTool(
    "test_sampling",
    {
      description: "Asks the client's LLM",
      inputSchema: { prompt: z.string().describe("The prompt to send to the LLM") },
    },
    async ({ prompt }, ctx) => {
      const result = await ctx.mcpReq.requestSampling({
        messages: [{ role: "user", content: { type: "text", text: prompt } }],
        maxTokens: 100,
      });
      const content = Array.isArray(result.content) ? result.content[0] : result.content;
      const text = content?.type === "text" ? content.text : JSON.stringify(result.content);
      return { content: [{ type: "text", text: `LLM response: ${text}` }] };
    },
  );
  server.registerTool(
    "test_elicitation",
    {
      description: "Asks the user",
      inputSchema: { message: z.string().describe("The message to show the user") },
    },
    async ({ message }, ctx) => {
      const result = await ctx.mcpReq.send({
        method: "elicitation/create",
        params: {
          message,
          requestedSchema: {
            type: "object",
            properties: {
              username: { type: "string", description: "User's response" },
              email: { type: "string", description: "User's email address" },
            },
            required: ["username", "email"],
          },
        },
      });
      return { content: [{ type: "text", text: `User response: ${JSON.stringify(result)}` }] };
    },
  );
  server.registerTool(
    "test_elicitation_sep1034_defaults",
    { description: "Elicitation with defaults" },
    async (ctx) => {
      const result = await ctx.mcpReq.send({
        method: "elicitation/create",
        params: {
          message: "Please review and update the form fields with defaults",
          requestedSchema: {
            type: "object",
            properties: {
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
            },
            required: [],
          },
        },
      });
      return {
        content: [
          {
            type: "text",
            text: `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`,
          },
        ],
      };
    },
  );
  server.registerTool(
    "test_elicitation_sep1330_enums",
    { description: "Elicitation with every enum form" },
    async (ctx) => {
      const result = await ctx.mcpReq.send({
        method: "elicitation/create",
        params: {
          message: "Please select options from the enum fields",
          requestedSchema: {
            type: "object",
            properties: {
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
            },
            required: [],
          },
        },
      });
      return {
        content: [
          {
            type: "text",
            text: `Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`,
          },
        ],
      };
    },
  );
  server.registerTool(
    "test_reconnection",
    { description: "Closes its SSE stream mid-call (SEP-1699)" },
    async (ctx) => {
      await sleep(100);
      ctx.http?.closeSSE?.();
      await sleep(200);
      return { content: [{ type: "text", text: "Reconnection test completed" }] };
    },
  );
  const address = z.object({ street: z.string(), city: z.string() }).meta({ id: "address" });
  server.registerTool(
    "json_schema_2020_12_tool",
    {
      description: "Tool with JSON Schema 2020-12 features",
      inputSchema: z.strictObject({ name: z.string(), address }),
    },
    async () => ({ content: [{ type: "text", text: "ok" }] }),
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
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: "image/png", blob: RED_PIXEL_PNG }],
    }),
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
  const subscriptions = new Set<string>();
  server.server.registerCapabilities({ resources: { subscribe: true } });
  server.server.setRequestHandler("resources/subscribe", async (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler("resources/unsubscribe", async (request) => {
    subscriptions.delete(request.params.uri);
    return {};
  });
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

/** Everything the conformance suite expects, added to the product's server through `extraTools`. */
export function registerConformanceFixtures(server: McpServer): void {
  registerTools(server);
  registerResources(server);
  registerPrompts(server);
}
