import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { ChildServer, startChildServer } from "./lib/child-server";
import { BUNDLE } from "./lib/ours";
import { Figure, goalAtMost, reported } from "./lib/report";
import { MCP_HEADERS } from "./lib/load";

/** The tests' misbehaving stdio server (one way per tool), run by the front as its upstream. */
const SCRIPTED = join(__dirname, "..", "__tests__", "server", "front", "support", "scripted-upstream.cjs");
const NON_READING_SECONDS = Number(process.env.BENCH_FRONT_STDIO_SECONDS ?? 10);
const MB = 1024 * 1024;

/**
 * B8: what a misbehaving stdio upstream or caller costs the front's memory and event loop (issue 21).
 * - a caller who never reads while its child sends progress as fast as it can: RSS growth over
 *   BENCH_FRONT_STDIO_SECONDS (goal: bounded, <= 64 MB; the unbounded front grew ~500 MB);
 * - a 100 MB valid result with MCP_UPSTREAM_MAX_LINE_BYTES raised to 256 MiB: peak RSS (VmHWM) growth and
 *   the longest /healthz answer during the call (how long the event loop was blocked);
 * - the same result at the default limit (16 MiB), and 600 MB without a newline: refused with an error,
 *   peak RSS growth, and the process still answers.
 * BENCH_FRONT_BUNDLE runs another build of the server (e.g. main's, for a before/after).
 */
export async function runB8(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const bundle = process.env.BENCH_FRONT_BUNDLE ?? BUNDLE;
  // Each scenario in a fresh process: peak RSS (VmHWM) is per process.
  const start = (env: Record<string, string> = {}) =>
    startChildServer({
      name: "front-stdio",
      command: process.execPath,
      args: [bundle],
      env: {
        LOG_LEVEL: "info",
        MCP_RATE_LIMIT_PER_MINUTE: "0",
        MCP_UPSTREAM_COMMAND: JSON.stringify([process.execPath, SCRIPTED]),
        MCP_UPSTREAM_TIMEOUT_SECONDS: "600",
        ...env,
      },
      readyPath: "/healthz",
    });
  const scenario = async (env: Record<string, string>, run: (front: ChildServer) => Promise<Figure[]>) => {
    const front = await start(env);
    try {
      figures.push(...(await run(front)));
    } finally {
      await front.stop();
    }
  };

  await scenario({}, async (front) => {
    await callTool(front, "echo", { message: "warm" });
    const before = front.rssBytes();
    const growth = await nonReadingCaller(front, before);
    return [
      reported("B8", "non-reading caller: RSS before", before / MB, "MB"),
      goalAtMost("B8", `non-reading caller: RSS growth over ${NON_READING_SECONDS} s`, growth / MB, 64, "MB"),
    ];
  });
  await scenario({ MCP_UPSTREAM_MAX_LINE_BYTES: String(256 * MB) }, (front) =>
    bigCall(front, "100 MB result, limit 256 MiB", "big", { bytes: 100 * MB }),
  );
  await scenario({}, (front) => bigCall(front, "100 MB result, default limit", "big", { bytes: 100 * MB }));
  await scenario({}, (front) => bigCall(front, "600 MB without newline", "no-newline", { bytes: 600 * MB }));
  return figures;
}

/** RSS growth of the front while a caller does not read a stream of progress (max over the samples). */
async function nonReadingCaller(front: ChildServer, before: number): Promise<number> {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "progress-flood", arguments: { pad: 4096 }, _meta: { progressToken: "t" } },
  });
  const req = request(`${front.url}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, "content-length": Buffer.byteLength(body) },
  });
  req.on("response", (res) => res.pause());
  req.on("error", () => undefined);
  req.end(body);
  let peak = before;
  const deadline = Date.now() + NON_READING_SECONDS * 1000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    peak = Math.max(peak, front.rssBytes());
  }
  req.destroy();
  return peak - before;
}

/** One call whose answer is huge: peak RSS growth, the longest /healthz wait meanwhile, what came back. */
async function bigCall(
  front: ChildServer,
  label: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<Figure[]> {
  await callTool(front, "echo", { message: "warm" });
  const before = peakRss(front);
  let calling = true;
  let longestHealthz = 0;
  const probing = (async () => {
    while (calling) {
      const started = performance.now();
      await fetch(`${front.url}/healthz`)
        .then((r) => r.text())
        .catch(() => (calling = false)); // the front died
      longestHealthz = Math.max(longestHealthz, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const started = performance.now();
  const answer = await streamedCall(front, tool, args).catch((error: Error) => ({
    head: `failed: ${error.message}`,
    bytes: 0,
  }));
  const seconds = (performance.now() - started) / 1000;
  calling = false;
  await probing;
  const alive = await fetch(`${front.url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  const { head } = answer;
  const outcome = head.includes('"error"') ? "JSON-RPC error" : head.startsWith("failed") ? head : "result";
  process.stderr.write(`B8 ${label}: ${outcome} (${answer.bytes} bytes), alive ${alive}\n`);
  return [
    reported("B8", `${label}: peak RSS growth`, (peakRss(front) - before) / MB, "MB"),
    reported("B8", `${label}: longest /healthz during the call`, longestHealthz, "ms"),
    reported("B8", `${label}: call time`, seconds, "s"),
    reported(
      "B8",
      `${label}: answered with an error (1) or a result (0)`,
      outcome === "JSON-RPC error" ? 1 : 0,
      "",
    ),
    reported("B8", `${label}: front alive after (1 yes)`, alive ? 1 : 0, ""),
  ];
}

async function callTool(front: ChildServer, name: string, args: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${front.url}/mcp`, {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  return response.text();
}

/**
 * A tools/call whose answer is counted as it streams in, keeping only its first bytes: decoding 100 MB
 * here would block this process's loop and make the /healthz probe measure us instead of the front.
 */
function streamedCall(
  front: ChildServer,
  name: string,
  args: Record<string, unknown>,
): Promise<{ head: string; bytes: number }> {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name, arguments: args },
  });
  return new Promise((resolve, reject) => {
    const req = request(`${front.url}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, "content-length": Buffer.byteLength(body) },
    });
    req.on("response", (res) => {
      let head = "";
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        if (head.length < 400) head += chunk.subarray(0, 400).toString("utf8");
        bytes += chunk.length;
      });
      res.on("end", () => resolve({ head, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The process's peak resident set so far (VmHWM). */
function peakRss(server: ChildServer): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.process.pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN; // the process is gone
  }
}
