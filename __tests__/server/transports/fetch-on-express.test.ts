import { AddressInfo } from "node:net";
import { Server } from "node:http";
import express, { RequestHandler } from "express";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { fetchOnExpress } from "../../../server/transports/fetch-on-express";
import { modernHeaders, modernRequest } from "../support/modern";
import { postRpc, resultText, toolCall } from "../support/rpc-post";
import { eventually } from "../support/test-server";

const LEGACY_HEADERS = { "mcp-protocol-version": "2025-06-18" };

function echoServer(): McpServer {
  const server = new McpServer({ name: "adapter-test", version: "1.0.0" });
  server.registerTool("echo", { inputSchema: { message: z.string() } }, async ({ message }) => ({
    content: [{ type: "text", text: message }],
  }));
  return server;
}

/** express.json(), then `before` (if any), then the adapter under test, on 127.0.0.1. */
async function serve(
  handler: Parameters<typeof fetchOnExpress>[0],
  onerror: (error: Error) => void = () => undefined,
  before: RequestHandler = (_req, _res, next) => next(),
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  const adapter = fetchOnExpress(handler, onerror);
  app.post("/mcp", express.json(), before, (req, res) => void adapter(req, res));
  const http: Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

describe("fetchOnExpress: createMcpHandler on an express body that is already parsed", () => {
  it("writes a 2026-07-28 JSON answer in one piece, with its Content-Length", async () => {
    const server = await serve(createMcpHandler(echoServer));
    try {
      const body = modernRequest(7, "tools/call", { name: "echo", arguments: { message: "one piece" } });
      const response = await fetch(server.url, {
        method: "POST",
        headers: modernHeaders("tools/call", "echo"),
        body: JSON.stringify(body),
      });
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("transfer-encoding")).toBeNull();
      expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
      expect(resultText(JSON.parse(text) as Record<string, unknown>)).toBe("one piece");
    } finally {
      await server.close();
    }
  });

  it("streams a 2025-era SSE answer", async () => {
    const server = await serve(createMcpHandler(echoServer));
    try {
      const answer = await postRpc(server.url, toolCall(3, "echo", { message: "streamed" }), LEGACY_HEADERS);
      expect(answer.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(answer.headers.get("transfer-encoding")).toBe("chunked");
      expect(answer.messages.map((m) => [m.id, resultText(m)])).toEqual([[3, "streamed"]]);
    } finally {
      await server.close();
    }
  });

  it("hands the SDK the parsed body: the request bytes are not read again", async () => {
    // A middleware changes the parsed body; the answer follows the parsed value, not the bytes sent.
    const rewrite: RequestHandler = (req, _res, next) => {
      (req.body as { params: { arguments: { message: string } } }).params.arguments.message = "parsed";
      next();
    };
    const server = await serve(createMcpHandler(echoServer), undefined, rewrite);
    try {
      const answer = await postRpc(
        server.url,
        modernRequest(1, "tools/call", { name: "echo", arguments: { message: "sent" } }),
        modernHeaders("tools/call", "echo"),
      );
      expect(resultText(answer.messages[0])).toBe("parsed");
    } finally {
      await server.close();
    }
  });

  it("answers a JSON-RPC 500 with the request's id and reports the error when the handler throws", async () => {
    const errors: Error[] = [];
    const failing = {
      fetch: async (): Promise<Response> => {
        throw new Error("handler broke");
      },
    };
    const server = await serve(failing, (error) => errors.push(error));
    try {
      const answer = await postRpc(server.url, toolCall("req-9", "echo", { message: "x" }));
      expect(answer.status).toBe(500);
      expect(answer.messages).toEqual([
        { jsonrpc: "2.0", error: { code: -32603, message: "Internal server error" }, id: "req-9" },
      ]);
      expect(errors.map((e) => e.message)).toEqual(["handler broke"]);
    } finally {
      await server.close();
    }
  });

  it("passes the method, URL, headers and req.auth on, without the body's own length headers", async () => {
    let seen: { request: Request; authInfo: unknown } | undefined;
    const recording = {
      fetch: async (request: Request, options?: { authInfo?: unknown }): Promise<Response> => {
        seen = { request, authInfo: options?.authInfo };
        return new Response(null, { status: 202 });
      },
    };
    const auth: RequestHandler = (req, _res, next) => {
      req.auth = { token: "t", clientId: "c", scopes: ["s"] };
      next();
    };
    const server = await serve(recording, undefined, auth);
    try {
      const response = await fetch(`${server.url}?x=1`, {
        method: "POST",
        headers: { "content-type": "application/json", "mcp-method": "notifications/cancelled" },
        body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: {} }),
      });
      expect(response.status).toBe(202);
      expect(seen?.request.method).toBe("POST");
      expect(new URL(seen!.request.url).pathname + new URL(seen!.request.url).search).toBe("/mcp?x=1");
      expect(seen?.request.headers.get("mcp-method")).toBe("notifications/cancelled");
      expect(seen?.request.headers.get("content-length")).toBeNull();
      expect(seen?.request.body).toBeNull();
      expect(seen?.authInfo).toEqual({ token: "t", clientId: "c", scopes: ["s"] });
    } finally {
      await server.close();
    }
  });

  it("aborts the request's signal when the client goes away mid-stream", async () => {
    let signal: AbortSignal | undefined;
    const endless = {
      fetch: async (request: Request): Promise<Response> => {
        signal = request.signal;
        const stream = new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(new TextEncoder().encode(": open\n\n")),
        });
        return new Response(stream, { headers: { "content-type": "text/event-stream" } });
      },
    };
    const server = await serve(endless);
    try {
      const client = new AbortController();
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(toolCall(1, "echo", {})),
        signal: client.signal,
      });
      const reader = response.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe(": open\n\n");
      expect(signal?.aborted).toBe(false);
      client.abort();
      await eventually(() => signal?.aborted === true);
    } finally {
      await server.close();
    }
  });
});
