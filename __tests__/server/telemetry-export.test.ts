import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:https";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CHILD_SERVER_TEST_TIMEOUT_MS, listeningUrl, startChildServer } from "./support/child-server";
import { loopbackCertificate } from "./support/self-signed-certificate";

interface Received {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

/**
 * Stands in for Application Insights' ingestion endpoint on 127.0.0.1. The exporter only speaks HTTPS (it
 * rewrites http:// endpoints), so the endpoint has a certificate made here, which the child trusts through
 * NODE_EXTRA_CA_CERTS. Answers as the Breeze API does: every item accepted.
 */
async function startIngestion(): Promise<{
  server: Server;
  url: string;
  caFile: string;
  received: Received[];
}> {
  const { cert, key } = loopbackCertificate();
  const caFile = join(mkdtempSync(join(tmpdir(), "ingestion-")), "ca.pem");
  writeFileSync(caFile, cert);
  const received: Received[] = [];
  const server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
      received.push({ method: req.method ?? "", path: req.url ?? "", body: body.toString("utf8") });
      const items = body
        .toString("utf8")
        .split("\n")
        .filter((line) => line.trim() !== "").length;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ itemsReceived: items, itemsAccepted: items, errors: [] }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { server, url: `https://127.0.0.1:${port}/`, caFile, received };
}

/** Telemetry items ("envelopes") the exporter posted, parsed; a body is a JSON array or JSON lines. */
function envelopes(
  received: readonly Received[],
): { name: string; data: { baseType: string; baseData: Record<string, unknown> } }[] {
  return received.flatMap(({ body }) => {
    const text = body.trim();
    if (text.startsWith("[")) return JSON.parse(text);
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line));
  });
}

jest.setTimeout(CHILD_SERVER_TEST_TIMEOUT_MS);

describe("server/main.ts with APPLICATIONINSIGHTS_CONNECTION_STRING (a real process and exporter)", () => {
  it("exports the span of a tool call to the ingestion endpoint by the time it exits on SIGTERM", async () => {
    const ingestion = await startIngestion();
    const child = startChildServer({
      PORT: "0",
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${ingestion.url}`,
      NODE_EXTRA_CA_CERTS: ingestion.caFile,
      // The SDK's default sampler keeps about 5 traces a second at an adaptive ratio, so a single call's span
      // may be dropped: export every trace, as OpenTelemetry's own setting allows.
      OTEL_TRACES_SAMPLER: "always_on",
      // Statsbeat reports to Microsoft's own endpoint, not the one in the connection string: keep it offline.
      APPLICATION_INSIGHTS_NO_STATSBEAT: "true",
    });
    try {
      const base = await listeningUrl(child);
      const client = new Client({ name: "telemetry", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
      await client.callTool({ name: "echo", arguments: { message: "to the exporter" } });
      await client.close();

      child.process.kill("SIGTERM");
      expect(await child.exited).toBe(0);

      expect(ingestion.received.map(({ method, path }) => `${method} ${path}`)).toContain("POST /v2.1/track");
      const toolSpans = envelopes(ingestion.received).filter(
        (e) => e.data.baseData.name === "tools/call echo",
      );
      expect(toolSpans).toEqual([
        expect.objectContaining({
          iKey: "00000000-0000-0000-0000-000000000000",
          data: expect.objectContaining({
            baseData: expect.objectContaining({
              success: true,
              properties: expect.objectContaining({ "gen_ai.tool.name": "echo", "tool.outcome": "ok" }),
            }),
          }),
        }),
      ]);
      expect(child.stdout()).not.toContain("telemetry flush failed");
    } finally {
      child.process.kill("SIGKILL");
      ingestion.server.close();
    }
  });
});
