import { postRpc, resultText, toolCall, type RpcAnswer } from "../support/rpc-post";
import { RunningServer, startServer } from "../support/test-server";
import { ALICE, ALICE_AND_BOB, BOB, as } from "../support/callers";

// The failed-authentication throttle cannot lock out a valid caller. Each threat of
// docs/authentication.md ("Failed sign-ins") has its test here, on the real app and API-key layer.
const echo = (message: string) => toolCall(1, "echo", { message });
const LIMIT = 5;

describe("failed-auth throttle", () => {
  let server: RunningServer;
  let clock: number;
  const start = async (env: Record<string, string> = {}): Promise<RunningServer> => {
    clock = 1_000_000;
    server = await startServer(
      { ...ALICE_AND_BOB, MCP_AUTH_FAILURES_PER_MINUTE: String(LIMIT), ...env },
      { appOptions: { authThrottle: { now: () => clock } } },
    );
    return server;
  };
  afterEach(() => server.close());

  const wrong = (i: number, headers: Record<string, string> = {}): Promise<RpcAnswer> =>
    postRpc(server.mcpUrl, echo("x"), { ...as(`wrong-key-${i}-0123456789`), ...headers });
  const statusesOf = async (answers: Promise<RpcAnswer>[]): Promise<number[]> =>
    (await Promise.all(answers)).map((a) => a.status);
  const failTimes = async (n: number, headers: Record<string, string> = {}): Promise<number[]> => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await wrong(i, headers)).status);
    return statuses;
  };

  it("threat: discovery requests lock everyone out. 60 credential-less POSTs, then a new user's key: 200", async () => {
    await start({ MCP_AUTH_FAILURES_PER_MINUTE: "60" });
    const discovery = await statusesOf(Array.from({ length: 61 }, () => postRpc(server.mcpUrl, echo("?"))));
    expect(new Set(discovery)).toEqual(new Set([401]));
    const bob = await postRpc(server.mcpUrl, echo("bob"), as(BOB));
    expect(bob.status).toBe(200);
    expect(resultText(bob.messages[0])).toBe("bob");
  });

  it("threat: an attacker's failures lock out a valid caller at the same address. A key never seen before still passes", async () => {
    await start();
    expect(await failTimes(LIMIT + 2)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // Neither Alice nor Bob authenticated before: each is verified and served, never throttled.
    for (const key of [ALICE, BOB, ALICE]) {
      const answer = await postRpc(server.mcpUrl, echo("in"), as(key));
      expect(answer.status).toBe(200);
    }
    // A credential-less request from the throttled address still gets the 401 that tells it how to sign in.
    expect((await postRpc(server.mcpUrl, echo("?"))).status).toBe(401);
    expect((await wrong(99)).status).toBe(429);
  });

  it("threat: the 429 hides where to sign in. It carries the 401's challenge, Retry-After and the limit's name", async () => {
    await start();
    const first = await wrong(0);
    await failTimes(LIMIT - 1);
    clock += 20_000;
    const throttled = await wrong(1);
    expect(throttled.status).toBe(429);
    expect(first.headers.get("www-authenticate")).toBe('Bearer realm="mcp", error="invalid_token"');
    expect(throttled.headers.get("www-authenticate")).toBe(first.headers.get("www-authenticate"));
    expect(throttled.headers.get("retry-after")).toBe("40");
    expect(throttled.messages[0]).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32000,
        message: `Too Many Requests: ${LIMIT} failed authentications from this address in 60 s (MCP_AUTH_FAILURES_PER_MINUTE=${LIMIT}); retry after 40 s`,
      },
    });
  });

  it("threat: a valid Authorization shields guessed x-api-key values. The key actually checked is the one counted", async () => {
    await start();
    // The API-key layer reads api-key, then x-api-key, then Authorization: the guess is what is verified.
    const statuses = await failTimes(LIMIT + 1, { authorization: `Bearer ${ALICE}` });
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await postRpc(server.mcpUrl, echo("a"), { authorization: `Bearer ${ALICE}` })).status).toBe(200);
  });

  it("threat: a mis-set window switches the throttle off or locks out forever. Each later window counts afresh", async () => {
    await start();
    expect(await failTimes(LIMIT + 1)).toEqual([401, 401, 401, 401, 401, 429]);
    clock += 59_999;
    expect((await wrong(0)).status).toBe(429);
    // The second window (1 ms in): five more failures, then 429 again, until its end.
    clock += 1;
    expect(await failTimes(LIMIT + 1)).toEqual([401, 401, 401, 401, 401, 429]);
    clock += 30_000;
    expect((await wrong(0)).headers.get("retry-after")).toBe("30");
    // Over a window later (45 s into the fourth): the count starts over, on the same minute grid.
    clock += 75_000;
    expect(await failTimes(LIMIT + 1)).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await wrong(0)).headers.get("retry-after")).toBe("15");
  });

  it("threat: every client behind the ingress shares its address. With MCP_TRUSTED_PROXY_HOPS=1 each is counted apart", async () => {
    await start({ MCP_TRUSTED_PROXY_HOPS: "1" });
    const from = (address: string) => ({ "x-forwarded-for": address });
    expect(await failTimes(LIMIT + 1, from("203.0.113.7"))).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await wrong(0, from("198.51.100.9"))).status).toBe(401);
  });

  it("threat: a client forges X-Forwarded-For to spread its failures. Only the entry the trusted proxy appended counts", async () => {
    await start({ MCP_TRUSTED_PROXY_HOPS: "1" });
    // The ingress appends the address it saw (203.0.113.7) to whatever the client sent.
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++)
      statuses.push((await wrong(i, { "x-forwarded-for": `10.0.${i}.1, 203.0.113.7` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("threat: with no proxy configured, X-Forwarded-For picks the address. With MCP_TRUSTED_PROXY_HOPS=0 the socket's counts", async () => {
    await start();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++)
      statuses.push((await wrong(i, { "x-forwarded-for": `203.0.113.${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("MCP_AUTH_FAILURES_PER_MINUTE=0 switches it off: failures are answered 401, never 429", async () => {
    await start({ MCP_AUTH_FAILURES_PER_MINUTE: "0" });
    expect(await failTimes(3)).toEqual([401, 401, 401]);
  });
});
