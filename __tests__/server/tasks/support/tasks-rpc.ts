import { CLIENT_CAPABILITIES_META_KEY } from "@modelcontextprotocol/server";
import { TASKS_EXTENSION } from "../../../../server/tasks/extension";
import { modernHeaders, modernRequest } from "../../support/modern";

export interface RpcAnswer {
  readonly status: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { code: number; message: string; data?: Record<string, unknown> };
}

let nextId = 1;

/**
 * One 2026-07-28 request over HTTP with its standard headers (Mcp-Name from params.name or params.taskId),
 * declaring the tasks extension in its own `_meta` when `declareTasks` is set.
 */
export async function rpc(
  url: URL,
  method: string,
  params: Record<string, unknown>,
  options: { declareTasks?: boolean; headers?: Record<string, string> } = {},
): Promise<RpcAnswer> {
  const capabilities = options.declareTasks ? { extensions: { [TASKS_EXTENSION]: {} } } : {};
  const name = (params.name ?? params.taskId) as string | undefined;
  const response = await fetch(url, {
    method: "POST",
    headers: { ...modernHeaders(method, name), ...options.headers },
    body: JSON.stringify(
      modernRequest(nextId++, method, params, { [CLIENT_CAPABILITIES_META_KEY]: capabilities }),
    ),
  });
  const text = await response.text();
  const dataLine = text.split("\n").find((line) => line.startsWith("data: "));
  const body = JSON.parse(dataLine ? dataLine.slice(6) : text) as Omit<RpcAnswer, "status">;
  return { status: response.status, result: body.result, error: body.error };
}

/** Polls tasks/get until the task leaves `working` (or `timeoutMs` passes, a bound for a hang). */
export async function settled(
  url: URL,
  taskId: string,
  headers: Record<string, string> = {},
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await rpc(url, "tasks/get", { taskId }, { declareTasks: true, headers });
    if (answer.result?.status !== "working" || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
