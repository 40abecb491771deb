import { MCP_HEADERS } from "./test-server";

export type RpcMessage = Record<string, unknown> & { id?: unknown; method?: string };

export interface RpcAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** Every JSON-RPC message in the answer: the JSON body (one or a batch) or each SSE `data:` line. */
  readonly messages: RpcMessage[];
}

/** POSTs `body` to `url` as an MCP client would and collects what came back, JSON or SSE alike. */
export async function postRpc(
  url: URL | string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RpcAnswer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let messages: RpcMessage[] = [];
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    messages = text
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)) as RpcMessage);
  } else if (text !== "") {
    const parsed = JSON.parse(text) as RpcMessage | RpcMessage[];
    messages = Array.isArray(parsed) ? parsed : [parsed];
  }
  return { status: response.status, headers: response.headers, messages };
}

/** A tools/call request, with a progress token when given. */
export function toolCall(
  id: number | string,
  name: string,
  args: Record<string, unknown>,
  progressToken?: string,
): RpcMessage {
  const params: Record<string, unknown> = { name, arguments: args };
  if (progressToken !== undefined) params._meta = { progressToken };
  return { jsonrpc: "2.0", id, method: "tools/call", params };
}

/** The text of a tools/call result message. */
export function resultText(message: RpcMessage | undefined): string | undefined {
  const result = message?.result as { content?: Array<{ text?: string }> } | undefined;
  return result?.content?.[0]?.text;
}
