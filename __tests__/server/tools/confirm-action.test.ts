import { randomBytes, randomUUID } from "node:crypto";
import { Server } from "node:http";
import { AddressInfo } from "node:net";
import express from "express";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { NodeStreamableHTTPServerTransport, toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { createAuthMiddleware, parseAuthConfig } from "../../../server/auth";
import { createRequestStateSigner } from "../../../server/request-state";
import { CONFIRMATION_KEY, registerConfirmAction } from "../../../server/tools/confirm-action";

// Two callers, each with a real API key checked by the server's own auth middleware.
const ALICE = `alice-${randomBytes(12).toString("hex")}`;
const BOB = `bob-${randomBytes(12).toString("hex")}`;
const requestState = createRequestStateSigner(randomBytes(32));

function createServer(): McpServer {
  const server = new McpServer({ name: "confirm-action-test", version: "0.0.0" });
  registerConfirmAction(server, { requestState });
  return server;
}

interface Running {
  readonly url: (path: string) => URL;
  readonly close: () => Promise<void>;
}

/**
 * The stock v2 handler at /mcp (both eras; 2025 requests stateless) and, at /stateful, one 2025-era
 * session over the SDK's sessionful transport: the only 2025 wiring that can carry elicitation/create.
 */
async function start(): Promise<Running> {
  const app = express();
  app.use(express.json());
  app.use(
    createAuthMiddleware(parseAuthConfig({ AUTH_MODE: "apikey", MCP_API_KEYS: `alice:${ALICE},bob:${BOB}` })),
  );
  const handler = createMcpHandler(() => createServer());
  app.all("/mcp", (req, res) => void toNodeHandler(handler)(req, res, req.body));
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  app.all("/stateful", async (req, res) => {
    const id = req.get("mcp-session-id");
    let transport = id === undefined ? undefined : sessions.get(id);
    if (transport === undefined) {
      transport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => void sessions.set(sessionId, transport!),
      });
      await createServer().connect(transport);
    }
    await transport.handleRequest(req, res, req.body);
  });
  const http: Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url: (path) => new URL(`${base}${path}`),
    close: async () => {
      await handler.close();
      for (const transport of sessions.values()) await transport.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

type Answer = { action: "accept"; content: { approve: boolean } } | { action: "decline" };

interface ClientOptions {
  readonly key: string;
  readonly era: "modern" | "legacy";
  readonly path?: string;
  /** Declares elicitation and answers every elicitation/create with this. @default - no elicitation */
  readonly answer?: Answer;
  /** Manual multi round-trip mode (declares elicitation): input_required results come back to the test. */
  readonly manual?: boolean;
}

let server: Running;
const clients: Client[] = [];
const prompts: string[] = [];

async function connect(options: ClientOptions): Promise<Client> {
  const client = new Client(
    { name: "confirm-action-test-client", version: "0.0.0" },
    {
      capabilities: options.answer || options.manual ? { elicitation: { form: {} } } : {},
      versionNegotiation: { mode: options.era === "modern" ? "auto" : "legacy" },
      inputRequired: { autoFulfill: !options.manual },
    },
  );
  if (options.answer) {
    const answer = options.answer;
    client.setRequestHandler("elicitation/create", async (request) => {
      prompts.push(String(request.params.message));
      return answer;
    });
  }
  const transport = new StreamableHTTPClientTransport(server.url(options.path ?? "/mcp"), {
    requestInit: { headers: { "x-api-key": options.key } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

function textOf(result: { content?: unknown }): string {
  const [first] = (result.content ?? []) as { type: string; text?: string }[];
  return first?.text ?? "";
}

/** Round 1 in manual mode: the input_required result as the wire carried it. */
async function firstRound(
  client: Client,
  action: string,
): Promise<{
  requestState: string;
  inputRequests: Record<string, { method: string; params: { message: string } }>;
}> {
  const result = (await client.callTool(
    { name: "confirm_action", arguments: { action } },
    { allowInputRequired: true },
  )) as unknown as {
    resultType: string;
    requestState: string;
    inputRequests: Record<string, { method: string; params: { message: string } }>;
  };
  expect(result.resultType).toBe("input_required");
  return result;
}

function retry(client: Client, action: string, state: string | undefined, approve = true) {
  return client.callTool({
    name: "confirm_action",
    arguments: { action },
    inputResponses: { [CONFIRMATION_KEY]: { action: "accept", content: { approve } } },
    ...(state === undefined ? {} : { requestState: state }),
  } as Parameters<Client["callTool"]>[0]);
}

beforeAll(async () => {
  server = await start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  prompts.length = 0;
});

afterAll(async () => {
  await server.close();
});

describe("confirm_action, 2026-07-28 clients", () => {
  it("asks through input_required and completes on the retry when the user approves", async () => {
    const client = await connect({
      key: ALICE,
      era: "modern",
      answer: { action: "accept", content: { approve: true } },
    });
    expect(client.getProtocolEra()).toBe("modern");

    const result = await client.callTool({
      name: "confirm_action",
      arguments: { action: "delete the staging database" },
    });

    expect(prompts).toEqual(["Approve this action? delete the staging database"]);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ action: "delete the staging database", approved: true });
    expect(textOf(result)).toBe("Approved: delete the staging database");
  });

  it("reports a declined confirmation as not approved", async () => {
    const client = await connect({ key: ALICE, era: "modern", answer: { action: "decline" } });

    const result = await client.callTool({ name: "confirm_action", arguments: { action: "rotate keys" } });

    expect(result.structuredContent).toEqual({ action: "rotate keys", approved: false });
  });

  it("first round carries one elicitation and a signed requestState", async () => {
    const client = await connect({ key: ALICE, era: "modern", manual: true });

    const round = await firstRound(client, "restart");

    expect(Object.keys(round.inputRequests)).toEqual([CONFIRMATION_KEY]);
    expect(round.inputRequests[CONFIRMATION_KEY].method).toBe("elicitation/create");
    expect(round.requestState).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
  });

  it("completes a manual retry that echoes the state", async () => {
    const client = await connect({ key: ALICE, era: "modern", manual: true });
    const round = await firstRound(client, "restart");

    const result = await retry(client, "restart", round.requestState);

    expect(result.structuredContent).toEqual({ action: "restart", approved: true });
  });

  it("refuses a tampered requestState", async () => {
    const client = await connect({ key: ALICE, era: "modern", manual: true });
    const round = await firstRound(client, "restart");
    const [prefix, body, mac] = round.requestState.split(".");
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { p: { action: string } };
    payload.p.action = "restart";
    const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...payload, exp: 9_999_999_999 })).toString("base64url")}.${mac}`;

    const result = await retry(client, "restart", forged);

    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/requestState refused: it failed its integrity check/);
  });

  it("refuses a requestState replayed by another caller", async () => {
    const alice = await connect({ key: ALICE, era: "modern", manual: true });
    const bob = await connect({ key: BOB, era: "modern", manual: true });
    const round = await firstRound(alice, "restart");

    const result = await retry(bob, "restart", round.requestState);

    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("requestState refused: it was issued to another caller");
  });

  it("refuses a requestState issued for another action", async () => {
    const client = await connect({ key: ALICE, era: "modern", manual: true });
    const round = await firstRound(client, "restart");

    const result = await retry(client, "drop every table", round.requestState);

    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe("requestState refused: it was issued for other arguments");
  });

  it("fails with the spec's -32021 when the client did not declare elicitation", async () => {
    const client = await connect({ key: ALICE, era: "modern" });

    await expect(
      client.callTool({ name: "confirm_action", arguments: { action: "restart" } }),
    ).rejects.toMatchObject({ code: -32021, message: expect.stringMatching(/elicitation\/create/) });
  });

  it("asks again when a retry carries responses but no requestState (they prove nothing)", async () => {
    const client = await connect({ key: ALICE, era: "modern", manual: true });

    const result = await client.callTool(
      {
        name: "confirm_action",
        arguments: { action: "restart" },
        inputResponses: { [CONFIRMATION_KEY]: { action: "accept", content: { approve: true } } },
      } as Parameters<Client["callTool"]>[0],
      { allowInputRequired: true },
    );

    expect(result).toMatchObject({ resultType: "input_required", requestState: expect.any(String) });
  });

  it("asks again when the retry's answer is missing or not a boolean", async () => {
    const client = await connect({ key: ALICE, era: "modern", manual: true });
    const round = await firstRound(client, "restart");

    for (const inputResponses of [
      {},
      { [CONFIRMATION_KEY]: { action: "accept", content: { approve: "yes" } } },
    ]) {
      const result = await client.callTool(
        {
          name: "confirm_action",
          arguments: { action: "restart" },
          inputResponses,
          requestState: round.requestState,
        } as Parameters<Client["callTool"]>[0],
        { allowInputRequired: true },
      );
      expect(result).toMatchObject({ resultType: "input_required" });
    }
  });
});

describe("confirm_action, 2025-era clients", () => {
  it("sends the 2025 elicitation/create request on a session whose client declared elicitation", async () => {
    const client = await connect({
      key: ALICE,
      era: "legacy",
      path: "/stateful",
      answer: { action: "accept", content: { approve: true } },
    });
    expect(client.getProtocolEra()).toBe("legacy");

    const result = await client.callTool({ name: "confirm_action", arguments: { action: "scale to zero" } });

    expect(prompts).toEqual(["Approve this action? scale to zero"]);
    expect(result.structuredContent).toEqual({ action: "scale to zero", approved: true });
  });

  it("answers a tool error when the client did not declare elicitation", async () => {
    const client = await connect({ key: ALICE, era: "legacy", path: "/stateful" });

    const result = await client.callTool({ name: "confirm_action", arguments: { action: "scale to zero" } });

    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/elicitation\/create.*did not declare the required capability/);
  });

  it("answers a tool error on stateless 2025 serving, which cannot send server-to-client requests", async () => {
    const client = await connect({
      key: ALICE,
      era: "legacy",
      answer: { action: "accept", content: { approve: true } },
    });

    const result = await client.callTool({ name: "confirm_action", arguments: { action: "scale to zero" } });

    expect(prompts).toEqual([]);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/per-request legacy serving cannot receive server-to-client requests/);
  });
});

describe("confirm_action input", () => {
  it("fails when action is empty, naming the field", async () => {
    const client = await connect({ key: ALICE, era: "modern" });

    const result = await client.callTool({ name: "confirm_action", arguments: { action: "" } });

    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/action must not be empty/);
  });
});
