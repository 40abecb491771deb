import { MCP_HEADERS } from "./load";

/**
 * server-everything's Streamable HTTP mode is stateful: open a session with initialize and return the
 * session id that load requests must carry.
 */
export async function openEverythingSession(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/mcp`, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bench", version: "1" },
      },
    }),
  });
  const sessionId = response.headers.get("mcp-session-id");
  await response.text();
  if (!sessionId) throw new Error(`server-everything gave no session id (HTTP ${response.status})`);
  await fetch(`${baseUrl}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, "mcp-session-id": sessionId },
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  }).then((r) => r.text());
  return sessionId;
}
