import { randomBytes } from "node:crypto";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { loadConfig } from "../../../server/config";
import { serverDepsFor } from "../../../server/server-deps";
import { CONFIRMATION_KEY } from "../../../server/tools/confirm-action";
import { ALICE, ALICE_AND_BOB, as, BOB } from "../support/callers";
import { RunningServer, startServer } from "../support/test-server";

// confirm_action on the product's app (createApp: apikey auth with Alice and Bob, the JSON-RPC body layer,
// both eras at /mcp), built the way serve.ts builds it: serverDepsFor(config) signs requestState under
// MCP_REQUEST_STATE_KEY. Keys are generated here: a replica must be given the same one to accept a state.
const KEY = randomBytes(48).toString("base64");
const OTHER_KEY = randomBytes(48).toString("base64");

type SessionMode = "stateless" | "stateful";

/** One replica of the bundled server: serve.ts's wiring on 127.0.0.1. */
async function startReplica(sessionMode: SessionMode, key = KEY): Promise<RunningServer> {
  const env = { ...ALICE_AND_BOB, MCP_SESSION_MODE: sessionMode, MCP_REQUEST_STATE_KEY: key };
  return startServer(env, { deps: serverDepsFor(loadConfig(env)) });
}

type Answer = { action: "accept"; content: { approve: boolean } } | { action: "decline" };

interface ClientOptions {
  readonly key: string;
  readonly era: "modern" | "legacy";
  /** @default - the stateless replica */
  readonly server?: RunningServer;
  /** Declares elicitation and answers every elicitation/create with this. @default - no elicitation */
  readonly answer?: Answer;
  /** Manual multi round-trip mode (declares elicitation): input_required results come back to the test. */
  readonly manual?: boolean;
}

const servers = {} as Record<SessionMode, RunningServer>;
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
  const transport = new StreamableHTTPClientTransport((options.server ?? servers.stateless).mcpUrl, {
    requestInit: { headers: as(options.key) },
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
  servers.stateless = await startReplica("stateless");
  servers.stateful = await startReplica("stateful");
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  prompts.length = 0;
});

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()));
});

describe.each(["stateless", "stateful"] as const)(
  "confirm_action, 2026-07-28 clients, MCP_SESSION_MODE=%s",
  (mode) => {
    /** A 2026-07-28 client of this replica that fulfils input_required by hand. */
    const manualClient = (key: string): Promise<Client> =>
      connect({ server: servers[mode], key, era: "modern", manual: true });

    it("asks through input_required and completes on the retry when the user approves", async () => {
      const client = await connect({
        server: servers[mode],
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
      const client = await connect({
        server: servers[mode],
        key: ALICE,
        era: "modern",
        answer: { action: "decline" },
      });

      const result = await client.callTool({ name: "confirm_action", arguments: { action: "rotate keys" } });

      expect(result.structuredContent).toEqual({ action: "rotate keys", approved: false });
    });

    it("first round carries one elicitation and a signed requestState", async () => {
      const client = await manualClient(ALICE);

      const round = await firstRound(client, "restart");

      expect(Object.keys(round.inputRequests)).toEqual([CONFIRMATION_KEY]);
      expect(round.inputRequests[CONFIRMATION_KEY].method).toBe("elicitation/create");
      expect(round.requestState).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    });

    it("completes a manual retry that echoes the state", async () => {
      const client = await manualClient(ALICE);
      const round = await firstRound(client, "restart");

      const result = await retry(client, "restart", round.requestState);

      expect(result.structuredContent).toEqual({ action: "restart", approved: true });
    });

    it("refuses a tampered requestState", async () => {
      const client = await manualClient(ALICE);
      const round = await firstRound(client, "restart");
      const [prefix, body, mac] = round.requestState.split(".");
      const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as {
        p: { action: string };
      };
      payload.p.action = "restart";
      const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...payload, exp: 9_999_999_999 })).toString("base64url")}.${mac}`;

      const result = await retry(client, "restart", forged);

      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/requestState refused: it failed its integrity check/);
    });

    it("refuses a requestState replayed by another caller", async () => {
      const alice = await manualClient(ALICE);
      const bob = await manualClient(BOB);
      const round = await firstRound(alice, "restart");

      const result = await retry(bob, "restart", round.requestState);

      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe("requestState refused: it was issued to another caller");
    });

    it("refuses a requestState issued for another action", async () => {
      const client = await manualClient(ALICE);
      const round = await firstRound(client, "restart");

      const result = await retry(client, "drop every table", round.requestState);

      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe("requestState refused: it was issued for other arguments");
    });

    it("fails with the spec's -32021 when the client did not declare elicitation", async () => {
      const client = await connect({ server: servers[mode], key: ALICE, era: "modern" });

      await expect(
        client.callTool({ name: "confirm_action", arguments: { action: "restart" } }),
      ).rejects.toMatchObject({ code: -32021, message: expect.stringMatching(/elicitation\/create/) });
    });

    it("asks again when a retry carries responses but no requestState (they prove nothing)", async () => {
      const client = await manualClient(ALICE);

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
      const client = await manualClient(ALICE);
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
  },
);

describe("confirm_action, 2025-era clients (sessions need MCP_SESSION_MODE=stateful)", () => {
  it("sends the 2025 elicitation/create request on a session whose client declared elicitation", async () => {
    const client = await connect({
      key: ALICE,
      era: "legacy",
      server: servers.stateful,
      answer: { action: "accept", content: { approve: true } },
    });
    expect(client.getProtocolEra()).toBe("legacy");

    const result = await client.callTool({ name: "confirm_action", arguments: { action: "scale to zero" } });

    expect(prompts).toEqual(["Approve this action? scale to zero"]);
    expect(result.structuredContent).toEqual({ action: "scale to zero", approved: true });
  });

  it("answers a tool error when the client did not declare elicitation", async () => {
    const client = await connect({ key: ALICE, era: "legacy", server: servers.stateful });

    const result = await client.callTool({ name: "confirm_action", arguments: { action: "scale to zero" } });

    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/elicitation\/create.*did not declare the required capability/);
  });

  it("answers a tool error on stateless 2025 serving, which cannot send server-to-client requests", async () => {
    const client = await connect({
      key: ALICE,
      era: "legacy",
      server: servers.stateless,
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

describe("confirm_action across replicas", () => {
  const replicas: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
  });

  it("accepts a requestState minted by another replica with the same MCP_REQUEST_STATE_KEY", async () => {
    const second = await startReplica("stateless", KEY);
    replicas.push(second);
    const round = await firstRound(await connect({ key: ALICE, era: "modern", manual: true }), "restart");

    const result = await retry(
      await connect({ key: ALICE, era: "modern", manual: true, server: second }),
      "restart",
      round.requestState,
    );

    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ action: "restart", approved: true });
  });

  it("refuses, naming the key, a requestState minted by a replica with another MCP_REQUEST_STATE_KEY", async () => {
    const stranger = await startReplica("stateless", OTHER_KEY);
    replicas.push(stranger);
    const round = await firstRound(await connect({ key: ALICE, era: "modern", manual: true }), "restart");

    const result = await retry(
      await connect({ key: ALICE, era: "modern", manual: true, server: stranger }),
      "restart",
      round.requestState,
    );

    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      "requestState refused: it failed its integrity check (altered, or signed with another MCP_REQUEST_STATE_KEY)",
    );
  });
});
