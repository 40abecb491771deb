import { spawn } from "node:child_process";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import pino from "pino";
import { loadConfig } from "../../server/config";
import { createApp } from "../../server/create-app";
import { createServer } from "../../server/create-server";
import { registerConformanceFixtures } from "./fixtures";

// Runs @modelcontextprotocol/conformance against (1) a fixtures server built from the product's createApp
// with the suite's tools, resources and prompts, and (2) the bundled server itself for the scenarios it
// must pass. `npm run conformance`; exits non-zero when a scenario fails that is not an expected failure.
const CLI = join(
  __dirname,
  "..",
  "..",
  "node_modules",
  "@modelcontextprotocol",
  "conformance",
  "dist",
  "index.js",
);
const EXPECTED_FAILURES = join(__dirname, "expected-failures.yml");
const BUNDLED_SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];

async function listen(app: ReturnType<typeof createApp>): Promise<{ url: string; close: () => void }> {
  const http = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  const url = `http://localhost:${(http.address() as AddressInfo).port}/mcp`;
  return {
    url,
    close: () => {
      http.closeAllConnections();
      http.close();
    },
  };
}

/** Async on purpose: the servers under test live in this process and must keep answering. */
function runSuite(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [CLI, "server", ...args], { stdio: "inherit" });
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
}

async function main(): Promise<void> {
  const logger = pino({ level: "silent" });
  // Stateful: sampling, elicitation and SSE polling need the client's answers to reach the same session.
  const config = loadConfig({ MCP_SESSION_MODE: "stateful" });
  const fixtures = await listen(
    createApp(config, () => createServer({ extraTools: [registerConformanceFixtures] }), { logger }),
  );
  const bundled = await listen(createApp(loadConfig({}), undefined, { logger }));
  let status = 0;
  try {
    console.log(`\n== fixtures server (${fixtures.url}): the active suite ==`);
    status ||= await runSuite(["--url", fixtures.url, "--expected-failures", EXPECTED_FAILURES]);
    for (const scenario of BUNDLED_SCENARIOS) {
      console.log(`\n== bundled server (${bundled.url}): ${scenario} ==`);
      status ||= await runSuite(["--url", bundled.url, "--scenario", scenario]);
    }
  } finally {
    fixtures.close();
    bundled.close();
  }
  process.exit(status);
}

void main();
