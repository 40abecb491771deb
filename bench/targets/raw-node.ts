// Baseline: the ceiling of this machine. A raw node:http JSON echo of tools/call: no framework, no MCP.
import { createServer } from "node:http";

createServer((req, res) => {
  if (req.method !== "POST") {
    res.end("ok");
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const { id, params } = JSON.parse(Buffer.concat(chunks).toString()) as {
      id: number;
      params: { arguments: { message: string } };
    };
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id,
      result: { content: [{ type: "text", text: params.arguments.message }] },
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(Number(process.env.PORT), "127.0.0.1");
