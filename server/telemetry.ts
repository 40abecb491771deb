import { Context, context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { TRACEPARENT_META_KEY, TRACESTATE_META_KEY } from "@modelcontextprotocol/server";
import { ConfigError } from "./config-error";
import { loadAzureMonitor as loadAzureMonitorSdk } from "./lazy-load";
import type { ToolHandlerWrapper } from "./create-mcp-server";
import { SERVER_NAME, SERVER_VERSION } from "./version";

/** The part of `@azure/monitor-opentelemetry` that the server uses. */
export type AzureMonitorModule = Pick<
  typeof import("@azure/monitor-opentelemetry"),
  "useAzureMonitor" | "shutdownAzureMonitor"
>;

/** OpenTelemetry export to Application Insights, when configured. */
export interface Telemetry {
  /** Flushes pending spans and stops the exporter; a no-op when telemetry is off. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry export to Application Insights when a connection string is given
 * (`APPLICATIONINSIGHTS_CONNECTION_STRING`). Without one nothing is loaded: the SDK is required here,
 * lazily, and `@opentelemetry/api` stays on its no-op tracer.
 *
 * Call it first in main.ts, before express and http are loaded, so the http instrumentation can hook them.
 */
export function startTelemetry(
  connectionString: string | undefined,
  loadAzureMonitor: () => AzureMonitorModule = loadAzureMonitorSdk,
): Telemetry {
  if (!connectionString) return { shutdown: async () => undefined };
  if (!/(^|;)\s*InstrumentationKey=[^;]+/i.test(connectionString)) {
    // The connection string is not a secret, but keep it out of logs all the same.
    throw new ConfigError(
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "<redacted>",
      "the Application Insights connection string, `InstrumentationKey=...;IngestionEndpoint=...`",
    );
  }
  // Application Insights shows service.name as the cloud role; the SDK's fallback is "unknown_service:node".
  process.env.OTEL_SERVICE_NAME ??= SERVER_NAME;
  const monitor = loadAzureMonitor();
  monitor.useAzureMonitor({ azureMonitorExporterOptions: { connectionString } });
  return { shutdown: () => monitor.shutdownAzureMonitor() };
}

/** Span attribute with the outcome, for easy filtering in KQL: `customDimensions["tool.outcome"]`. */
export const TOOL_OUTCOME_ATTRIBUTE = "tool.outcome";

/**
 * Runs one tool call inside a span named `tools/call <tool>` (OpenTelemetry MCP semantic conventions:
 * `mcp.method.name`, `gen_ai.tool.name`, `error.type`) and records its outcome. A result with
 * `isError: true` counts as an error (`error.type = "tool_error"`), as does a thrown error, which is
 * rethrown unchanged. Without a registered tracer provider the span is a no-op.
 */
export function traceToolCall<T>(
  toolName: string,
  fn: () => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  const tracer = trace.getTracer(SERVER_NAME, SERVER_VERSION);
  const attributes = {
    "mcp.method.name": "tools/call",
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": toolName,
  };
  return tracer.startActiveSpan(
    `tools/call ${toolName}`,
    { kind: SpanKind.SERVER, attributes },
    parent,
    async (span) => {
      try {
        const result = await fn();
        if (isErrorResult(result)) {
          span.setAttributes({ [TOOL_OUTCOME_ATTRIBUTE]: "error", "error.type": "tool_error" });
          span.setStatus({ code: SpanStatusCode.ERROR });
        } else {
          span.setAttribute(TOOL_OUTCOME_ATTRIBUTE, "ok");
          span.setStatus({ code: SpanStatusCode.OK });
        }
        return result;
      } catch (error) {
        const type = error instanceof Error ? error.name : typeof error;
        span.setAttributes({ [TOOL_OUTCOME_ATTRIBUTE]: "error", "error.type": type });
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : undefined,
        });
        if (error instanceof Error) span.recordException(error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

function isErrorResult(result: unknown): boolean {
  return typeof result === "object" && result !== null && (result as { isError?: unknown }).isError === true;
}

/**
 * The trace context a request carries in `params._meta` (`traceparent` / `tracestate`, W3C Trace Context;
 * any era), extracted with the globally registered propagator (Azure Monitor registers W3C's). Without
 * one, or without the keys, the active context: the tool span then hangs under the HTTP span, if any.
 */
export function traceContextOf(meta: Readonly<Record<string, unknown>> | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const key of [TRACEPARENT_META_KEY, TRACESTATE_META_KEY]) {
    const value = meta?.[key];
    if (typeof value === "string") carrier[key] = value;
  }
  if (carrier[TRACEPARENT_META_KEY] === undefined) return context.active();
  return propagation.extract(context.active(), carrier);
}

/** The `wrapToolHandler` for createMcpServer: every tool call, extra tools included, runs in {@link traceToolCall}. */
export const traceToolHandler: ToolHandlerWrapper = ({ toolName, ctx }, next) =>
  traceToolCall(toolName, next, traceContextOf(ctx.mcpReq._meta));
