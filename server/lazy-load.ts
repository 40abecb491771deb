// The Azure SDKs are most of the server's code but needed only when configured (telemetry, query_logs); the
// legacy SSE transport only when a client opens /sse.
// They are required here, on first use, and in the image each is a bundle of its own next to server.js
// (dist/bundle/lazy/*.js), so a process that does not use them never even parses them. Keep every such
// require in this file: the relative paths must be the same from server/ and from dist/bundle/.

/** The Azure Monitor exporter, loaded only when APPLICATIONINSIGHTS_CONNECTION_STRING is set. */
export function loadAzureMonitor(): typeof import("./lazy/azure-monitor") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./lazy/azure-monitor") as typeof import("./lazy/azure-monitor");
}

/** @azure/identity, loaded only when query_logs or the front's client assertion needs a credential. */
export function loadAzureIdentity(): typeof import("./lazy/azure-identity") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./lazy/azure-identity") as typeof import("./lazy/azure-identity");
}

/** The SDK's legacy HTTP+SSE server transport, loaded at the first /sse request. */
export function loadLegacySse(): typeof import("./lazy/legacy-sse") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./lazy/legacy-sse") as typeof import("./lazy/legacy-sse");
}
