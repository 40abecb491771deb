// Baseline (a): the ceiling. A bare express JSON handler that answers tools/call echo with no MCP machinery.
import express from "express";

const app = express();
app.use(express.json());
app.post("/mcp", (req, res) => {
  const { id, params } = req.body as { id: number; params: { arguments: { message: string } } };
  res.json({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: params.arguments.message }] } });
});
app.get("/", (_req, res) => {
  res.send("ok");
});
app.listen(Number(process.env.PORT), "127.0.0.1");
