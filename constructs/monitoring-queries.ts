import { LIVENESS_PATH, READINESS_PATH } from "../server/contract";

/**
 * The KQL behind the alerts and the workbook, in one place. Each query reads what the bundled server emits:
 *
 * - its request log line (server/http/request-logging.ts: pino JSON on stdout, `msg: "request"`, with
 *   `status`, `path`, `rpcMethod`, `tool`, `callerId`, `durationMs`), which Container Apps writes to
 *   `ContainerAppConsoleLogs_CL.Log_s`, one row per line, with the replica in `ContainerGroupName_s`;
 * - its tool-call spans (server/telemetry.ts: `tools/call <tool>`, SpanKind.SERVER, attributes
 *   `gen_ai.tool.name` and `tool.outcome`), which Application Insights stores as requests: in the workspace,
 *   `AppRequests` rows with the attributes in `Properties`.
 *
 * `npm test` parses every query against the workspace schema in __tests__/constructs/fixtures.
 */

/** The health probes hit these every few seconds; they are not traffic. */
const PROBE_PATHS = `"${LIVENESS_PATH}", "${READINESS_PATH}"`;

/** The server's request log lines for one container app, with typed columns. */
export function requestLogLines(containerAppName: string): string {
  return [
    "ContainerAppConsoleLogs_CL",
    `| where ContainerAppName_s == "${containerAppName}"`,
    "| extend entry = parse_json(Log_s)",
    '| where tostring(entry.msg) == "request"',
    "| extend status = toint(entry.status), path = tostring(entry.path), callerId = tostring(entry.callerId),",
    "    rpcMethod = tostring(entry.rpcMethod), durationMs = todouble(entry.durationMs), replica = ContainerGroupName_s",
  ].join("\n");
}

/** The server's tool-call spans, one row per `tools/call`, with the tool and whether it failed. */
export const TOOL_CALL_SPANS = [
  "AppRequests",
  '| where Name startswith "tools/call "',
  '| extend tool = tostring(Properties["gen_ai.tool.name"]), failed = tostring(Properties["tool.outcome"]) == "error"',
].join("\n");

/** The queries of the log alerts: each returns the column its alert compares with the threshold. */
export function alertQueries(containerAppName: string) {
  return {
    /** `failedPercent`: share of non-probe HTTP requests answered 5xx; no row below 20 requests. */
    http5xxPercent: [
      requestLogLines(containerAppName),
      `| where path !in (${PROBE_PATHS})`,
      "| summarize total = count(), failed = countif(status >= 500)",
      "| where total >= 20",
      "| extend failedPercent = 100.0 * failed / total",
    ].join("\n"),
    /** `p95Ms` per `tool`: 95th percentile duration of tool calls; no row below 10 calls. */
    toolLatencyP95: [
      TOOL_CALL_SPANS,
      "| summarize calls = count(), p95Ms = percentile(DurationMs, 95) by tool",
      "| where calls >= 10",
    ].join("\n"),
    /** `errorPercent` per `tool`: share of tool calls that failed; no row below 10 calls. */
    toolErrorPercent: [
      TOOL_CALL_SPANS,
      "| summarize calls = count(), errors = countif(failed) by tool",
      "| where calls >= 10",
      "| extend errorPercent = 100.0 * errors / calls",
    ].join("\n"),
  };
}

/** The queries of the workbook's charts and tables, in display order. */
export function workbookQueries(containerAppName: string) {
  return {
    toolCallsOverTime: [TOOL_CALL_SPANS, "| summarize calls = count() by tool, bin(TimeGenerated, 5m)"].join(
      "\n",
    ),
    toolLatency: [
      TOOL_CALL_SPANS,
      "| summarize calls = count(), p50Ms = percentile(DurationMs, 50), p95Ms = percentile(DurationMs, 95) by tool",
      "| order by p95Ms desc",
    ].join("\n"),
    toolErrorRate: [
      TOOL_CALL_SPANS,
      "| summarize errorPercent = round(100.0 * countif(failed) / count(), 2) by tool, bin(TimeGenerated, 15m)",
    ].join("\n"),
    authRejections: [
      requestLogLines(containerAppName),
      "| where status in (401, 403, 429)",
      "| summarize requests = count() by status = tostring(status), bin(TimeGenerated, 5m)",
    ].join("\n"),
    topCallers: [
      requestLogLines(containerAppName),
      `| where isnotempty(callerId) and path !in (${PROBE_PATHS})`,
      '| summarize requests = count(), toolCalls = countif(rpcMethod == "tools/call"), rejected = countif(status >= 400) by callerId',
      "| top 20 by requests",
    ].join("\n"),
    replicaCount: [
      requestLogLines(containerAppName),
      "| summarize replicas = dcount(replica) by bin(TimeGenerated, 5m)",
    ].join("\n"),
  };
}
