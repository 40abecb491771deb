#!/usr/bin/env node
/* global fetch, URL, setTimeout, AbortSignal */
// Post-deploy smoke test of a deployed MCP endpoint. Plain Node 22 (fetch), no dependencies.
//
//   MCP_URL=https://<fqdn>/mcp MCP_TOKEN=<bearer> [PRM_URL=...] [EASY_AUTH_UNAUTHENTICATED_ACTION=...] \
//     node .github/scripts/smoke-test.mjs
//
// EASY_AUTH_UNAUTHENTICATED_ACTION (the stack output easy_auth_unauthenticated_action) says what a request
// without a token is promised: `AllowAnonymous` (default; also right without Easy Auth) reaches the server,
// whose 401 names the metadata; with `Return401` Easy Auth answers instead and cannot name it, so clients
// rely on the well-known metadata URIs, which must then answer without a token.
//
// Checks, in order; the first failure exits 1 (2 for missing or bad configuration):
//   1. GET /healthz answers 200 (polled for up to SMOKE_WAIT_SECONDS while the new revision starts)
//   2. the protected resource metadata answers 200 with JSON whose `resource` is MCP_URL (RFC 9728 3.3)
//   3. an unauthenticated POST /mcp answers 401; AllowAnonymous: WWW-Authenticate carries resource_metadata;
//      Return401: the root well-known metadata URI answers 200 too (the clients' last fallback)
//   4. a POST /mcp with an invalid token answers 401
//   5. with the token: initialize, notifications/initialized, tools/list (at least one tool)
// The token comes from the environment, never from the command line (process lists are visible).

const PROTOCOL_VERSION = "2025-06-18";
const UNAUTHENTICATED_ACTIONS = ["AllowAnonymous", "Return401"];

class SmokeFailure extends Error {}
class ConfigError extends Error {}

function readConfig(env) {
  if (!env.MCP_URL)
    throw new ConfigError("MCP_URL is required (the deployed endpoint, e.g. https://<fqdn>/mcp)");
  let mcpUrl;
  try {
    mcpUrl = new URL(env.MCP_URL);
  } catch {
    throw new ConfigError(`MCP_URL must be an absolute URL (got '${env.MCP_URL}')`);
  }
  if (!env.MCP_TOKEN)
    throw new ConfigError("MCP_TOKEN is required (az account get-access-token --resource <identifier uri>)");
  const seconds = (name, fallback) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0)
      throw new ConfigError(`${name} must be a number of seconds >= 0 (got '${env[name]}')`);
    return value;
  };
  const unauthenticatedAction = env.EASY_AUTH_UNAUTHENTICATED_ACTION || "AllowAnonymous";
  if (!UNAUTHENTICATED_ACTIONS.includes(unauthenticatedAction))
    throw new ConfigError(
      `EASY_AUTH_UNAUTHENTICATED_ACTION must be one of ${UNAUTHENTICATED_ACTIONS.join(", ")} or empty (got '${unauthenticatedAction}')`,
    );
  const path = mcpUrl.pathname === "/" ? "" : mcpUrl.pathname;
  return {
    mcpUrl,
    unauthenticatedAction,
    healthUrl: new URL("/healthz", mcpUrl),
    rootPrmUrl: new URL("/.well-known/oauth-protected-resource", mcpUrl),
    prmUrl: new URL(env.PRM_URL ?? `/.well-known/oauth-protected-resource${path}`, mcpUrl),
    token: env.MCP_TOKEN,
    waitSeconds: seconds("SMOKE_WAIT_SECONDS", 300),
    pollSeconds: seconds("SMOKE_POLL_SECONDS", 5),
  };
}

function check(condition, what, got) {
  if (!condition) throw new SmokeFailure(`${what} (got ${got})`);
}

async function waitForHealth({ healthUrl, waitSeconds, pollSeconds }) {
  const deadline = Date.now() + waitSeconds * 1000;
  let last = "no answer";
  for (;;) {
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(10_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, pollSeconds * 1000));
  }
  throw new SmokeFailure(`GET ${healthUrl} should answer 200 within ${waitSeconds}s (got ${last})`);
}

async function fetchMetadata(prmUrl) {
  const response = await fetch(prmUrl);
  check(response.status === 200, `GET ${prmUrl} should answer 200`, `HTTP ${response.status}`);
  const text = await response.text();
  let metadata;
  try {
    metadata = JSON.parse(text);
  } catch {
    throw new SmokeFailure(`GET ${prmUrl} should answer JSON (got ${JSON.stringify(text.slice(0, 80))})`);
  }
  check(
    typeof metadata.resource === "string" && metadata.resource !== "",
    `${prmUrl} should name its 'resource'`,
    JSON.stringify(metadata.resource),
  );
  return metadata;
}

async function checkMetadata({ prmUrl, mcpUrl }) {
  const metadata = await fetchMetadata(prmUrl);
  // RFC 9728 section 3.3: a client drops metadata whose resource is not the URL it asked about.
  check(
    metadata.resource.replace(/\/$/, "") === mcpUrl.href.replace(/\/$/, ""),
    `${prmUrl} should name ${mcpUrl.href} as its 'resource'`,
    JSON.stringify(metadata.resource),
  );
  return metadata;
}

const initializeRequest = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: "smoke-test", version: "1.0.0" },
  },
};

function post(url, body, headers = {}) {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

async function checkUnauthenticated({ mcpUrl, unauthenticatedAction, rootPrmUrl }) {
  const response = await post(mcpUrl, initializeRequest);
  await response.body?.cancel();
  check(
    response.status === 401,
    `POST ${mcpUrl} without a token should answer 401`,
    `HTTP ${response.status}`,
  );
  if (unauthenticatedAction === "Return401") {
    // Easy Auth's own 401 cannot name the metadata: clients fall back to the well-known URIs (the
    // path-inserted one was checked before, the root one is the last resort).
    await fetchMetadata(rootPrmUrl);
    return "401 from Easy Auth (Return401), well-known metadata reachable";
  }
  const challenge = response.headers.get("www-authenticate") ?? "";
  check(
    /resource_metadata=/i.test(challenge),
    "the 401 should carry WWW-Authenticate with resource_metadata (Easy Auth AllowAnonymous lets it through)",
    JSON.stringify(challenge),
  );
  return "401 with resource_metadata";
}

async function checkInvalidToken({ mcpUrl }) {
  const response = await post(mcpUrl, initializeRequest, { authorization: "Bearer not-a-valid-token" });
  await response.body?.cancel();
  check(
    response.status === 401,
    `POST ${mcpUrl} with an invalid token should answer 401`,
    `HTTP ${response.status}`,
  );
}

/** The JSON-RPC response with `id`, from a JSON body or from the events of an SSE body. */
async function readRpcResponse(response, id, method) {
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const messages = type.includes("text/event-stream")
    ? text
        .split(/\r?\n\r?\n/)
        .map((event) =>
          event
            .split(/\r?\n/)
            .filter((line) => line.startsWith("data:"))
            .map((line) => line.slice(5).trimStart())
            .join("\n"),
        )
        .filter((data) => data !== "")
        .map((data) => JSON.parse(data))
    : [JSON.parse(text)].flat();
  const message = messages.find((candidate) => candidate.id === id);
  check(
    message !== undefined,
    `${method} should answer a JSON-RPC response with id ${id}`,
    JSON.stringify(text.slice(0, 200)),
  );
  check(message.error === undefined, `${method} should succeed`, JSON.stringify(message.error));
  return message.result;
}

async function checkAuthenticated({ mcpUrl, token }) {
  const auth = { authorization: `Bearer ${token}` };
  const init = await post(mcpUrl, initializeRequest, auth);
  check(init.status === 200, `authenticated initialize should answer 200`, `HTTP ${init.status}`);
  const session = init.headers.get("mcp-session-id");
  const result = await readRpcResponse(init, 1, "initialize");
  check(
    typeof result?.protocolVersion === "string",
    "initialize should return a protocolVersion",
    JSON.stringify(result),
  );
  const headers = {
    ...auth,
    "mcp-protocol-version": result.protocolVersion,
    ...(session ? { "mcp-session-id": session } : {}),
  };

  const initialized = await post(mcpUrl, { jsonrpc: "2.0", method: "notifications/initialized" }, headers);
  await initialized.body?.cancel();
  check(
    initialized.status === 202 || initialized.status === 200,
    "notifications/initialized should be accepted",
    `HTTP ${initialized.status}`,
  );

  const list = await post(mcpUrl, { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} }, headers);
  check(list.status === 200, "tools/list should answer 200", `HTTP ${list.status}`);
  const tools = (await readRpcResponse(list, 2, "tools/list"))?.tools;
  check(
    Array.isArray(tools) && tools.length > 0,
    "tools/list should return at least one tool",
    JSON.stringify(tools),
  );
  return { server: result.serverInfo, tools: tools.map((tool) => tool.name) };
}

async function main() {
  let config;
  try {
    config = readConfig(process.env);
  } catch (error) {
    console.error(`smoke test: bad configuration: ${error.message}`);
    return 2;
  }
  try {
    await waitForHealth(config);
    console.log(`ok  GET ${config.healthUrl} 200`);
    const metadata = await checkMetadata(config);
    console.log(`ok  GET ${config.prmUrl} 200, resource ${metadata.resource}`);
    const unauthenticated = await checkUnauthenticated(config);
    console.log(`ok  POST ${config.mcpUrl} without a token: ${unauthenticated}`);
    await checkInvalidToken(config);
    console.log(`ok  POST ${config.mcpUrl} with an invalid token: 401`);
    const { server, tools } = await checkAuthenticated(config);
    console.log(
      `ok  initialize (${server?.name ?? "unnamed"} ${server?.version ?? ""}) + tools/list: ${tools.join(", ")}`,
    );
    return 0;
  } catch (error) {
    console.error(`smoke test failed: ${error instanceof SmokeFailure ? error.message : error.stack}`);
    return 1;
  }
}

process.exitCode = await main();
