// A separate bundle (dist/bundle/lazy/legacy-sse.js), loaded when the first legacy /sse stream opens: the
// frozen v1 SSE transport brings its own copy of the SDK core and its schemas, which a start-up and the
// Streamable HTTP requests never need.
export { SSEServerTransport } from "@modelcontextprotocol/server-legacy/sse";
