import { createApp } from "./create-app";

const port = Number(process.env.PORT ?? 8000);
const host = process.env.HOST ?? "127.0.0.1";

const httpServer = createApp().listen(port, host, () => {
  process.stderr.write(`MCP server listening on http://${host}:${port}/mcp\n`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => httpServer.close(() => process.exit(0)));
}
