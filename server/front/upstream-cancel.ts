import type { RequestId } from "@modelcontextprotocol/server";
import type { UpstreamTarget } from "./upstream-target";

const CANCEL_TIMEOUT_MS = 5000;

/** Tells the upstream that requests their caller abandoned are cancelled, one POST each (fire and forget). */
export function postCancels(
  target: UpstreamTarget,
  ids: readonly RequestId[],
  headers: Readonly<Record<string, string>>,
): void {
  for (const requestId of ids) {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId, reason: "the client closed the connection to the front" },
    });
    const cancel = target.request(
      "POST",
      { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      CANCEL_TIMEOUT_MS,
    );
    cancel.on("response", (r) => r.resume());
    cancel.on("timeout", () => cancel.destroy());
    cancel.on("error", () => undefined);
    cancel.end(body);
  }
}
