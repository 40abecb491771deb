import { Server } from "node:http";
import { AddressInfo } from "node:net";
import { loadConfig } from "../../../server/config";
import { createApp, McpApp } from "../../../server/create-app";
import { createServer } from "../../../server/create-server";
import { MCP_HEADERS, eventually } from "../support/test-server";

/** The real app with a factory that counts the McpServer instances it builds. */
async function startCounting(): Promise<{ app: McpApp; http: Server; url: string; built: () => number }> {
  let built = 0;
  const app = createApp(loadConfig({ LOG_LEVEL: "silent" }), () => {
    built++;
    return createServer();
  });
  const http = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  return {
    app,
    http,
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    built: () => built,
  };
}

async function stop(http: Server): Promise<void> {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
}

const echo = (id: number, message: string) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "echo", arguments: { message } },
  });

describe("stateless server pool", () => {
  it("serves sequential requests from one connected server, each answered with its own id and result", async () => {
    const { http, url, built } = await startCounting();
    try {
      for (let i = 0; i < 20; i++) {
        const response = await fetch(url, {
          method: "POST",
          headers: MCP_HEADERS,
          body: echo(7, `call-${i}`),
        });
        expect(await response.json()).toEqual({
          jsonrpc: "2.0",
          id: 7,
          result: { content: [{ type: "text", text: `call-${i}` }] },
        });
      }
      expect(built()).toBe(1);
    } finally {
      await stop(http);
    }
  });

  it("does not reuse a server whose client went away mid-call", async () => {
    const { app, http, url, built } = await startCounting();
    try {
      const abort = new AbortController();
      const response = await fetch(url, {
        method: "POST",
        headers: MCP_HEADERS,
        signal: abort.signal,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "wait_with_progress", arguments: { seconds: 600 }, _meta: { progressToken: "p" } },
        }),
      });
      await (response.body as ReadableStream<Uint8Array>).getReader().read();
      abort.abort();
      await eventually(() => app.mcp.lifecycle.requestsInFlight === 0);
      const next = await fetch(url, { method: "POST", headers: MCP_HEADERS, body: echo(2, "after") });
      expect(((await next.json()) as { result: unknown }).result).toEqual({
        content: [{ type: "text", text: "after" }],
      });
      expect(built()).toBe(2);
    } finally {
      await stop(http);
    }
  });
});
