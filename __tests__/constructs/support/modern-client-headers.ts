import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { startServer } from "../../server/support/test-server";

/**
 * The request header names (lower case) the SDK's own 2026-07-28 client sends to the bundled server, for a
 * tools/list and a tools/call: what a browser client's CORS preflight asks the ingress to allow.
 */
export async function headersSentByModernClient(): Promise<string[]> {
  const server = await startServer({ LOG_LEVEL: "silent" });
  const names = new Set<string>();
  const client = new Client(
    { name: "cors-headers", version: "0.0.0" },
    { versionNegotiation: { mode: "auto" } },
  );
  try {
    await client.connect(
      new StreamableHTTPClientTransport(server.mcpUrl, {
        fetch: (url, init) => {
          new Headers(init?.headers).forEach((_value, name) => names.add(name));
          return fetch(url, init);
        },
      }),
    );
    if (client.getProtocolEra() !== "modern") throw new Error("the client did not speak 2026-07-28");
    await client.listTools();
    await client.callTool({ name: "echo", arguments: { message: "cors" } });
  } finally {
    await client.close();
    await server.close();
  }
  return [...names].sort();
}
