import { ProtocolErrorCode } from "@modelcontextprotocol/server";
import { createMcpServer } from "../../../server/create-mcp-server";
import { TASKS_EXTENSION } from "../../../server/tasks/extension";
import { createTasksRuntime } from "../../../server/tasks/runtime";
import { RunningServer, startServer } from "../support/test-server";
import { rpc, settled } from "./support/tasks-rpc";

const wait = (seconds: number) => ({ name: "wait_with_progress", arguments: { seconds } });

describe("the tasks extension on the bundled server (SEP-2663)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("advertises io.modelcontextprotocol/tasks under capabilities.extensions, not a v1 tasks slot", async () => {
    const { result } = await rpc(server.mcpUrl, "server/discover", {});
    const capabilities = result?.capabilities as Record<string, Record<string, unknown>>;
    expect(capabilities.extensions[TASKS_EXTENSION]).toEqual({});
    expect(capabilities.tasks).toBeUndefined();
    expect(capabilities.tools).toEqual({ listChanged: true });
  });

  it.each(["tasks/get", "tasks/update", "tasks/cancel"])(
    "answers %s without the extension declared with -32021 naming it, HTTP 400",
    async (method) => {
      const answer = await rpc(server.mcpUrl, method, { taskId: "any-task", inputResponses: {} });
      expect(answer.status).toBe(400);
      expect(answer.error?.code).toBe(ProtocolErrorCode.MissingRequiredClientCapability);
      expect(answer.error?.message).toContain(method);
      expect(answer.error?.data).toEqual({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
    },
  );

  it("runs wait_with_progress in the call for a client that does not declare the extension", async () => {
    const { result } = await rpc(server.mcpUrl, "tools/call", wait(1));
    expect(result?.resultType).toBe("complete");
    expect(result?.taskId).toBeUndefined();
    expect(result?.content).toEqual([{ type: "text", text: "Waited 1 seconds" }]);
  });

  it("runs wait_with_progress as a task for a declaring client: working, then completed with the result", async () => {
    const created = await rpc(server.mcpUrl, "tools/call", wait(1), { declareTasks: true });
    expect(created.result).toMatchObject({
      resultType: "task",
      status: "working",
      ttlMs: expect.any(Number),
    });
    const taskId = created.result?.taskId as string;
    expect(Date.parse(created.result?.createdAt as string)).not.toBeNaN();
    const done = await settled(server.mcpUrl, taskId);
    expect(done.result).toMatchObject({
      resultType: "complete",
      taskId,
      status: "completed",
      result: { content: [{ type: "text", text: "Waited 1 seconds" }] },
    });
  });

  it("cancels a running task: an empty ack, then status cancelled, and the id stays readable", async () => {
    const created = await rpc(server.mcpUrl, "tools/call", wait(30), { declareTasks: true });
    const taskId = created.result?.taskId as string;
    const ack = await rpc(server.mcpUrl, "tasks/cancel", { taskId }, { declareTasks: true });
    expect(ack.result).toEqual({ resultType: "complete", _meta: expect.any(Object) });
    const after = await rpc(server.mcpUrl, "tasks/get", { taskId }, { declareTasks: true });
    expect(after.result?.status).toBe("cancelled");
    expect(after.result?.result).toBeUndefined();
  });

  it("answers an unknown task id with -32602", async () => {
    const answer = await rpc(server.mcpUrl, "tasks/get", { taskId: "not-a-task" }, { declareTasks: true });
    expect(answer.error?.code).toBe(ProtocolErrorCode.InvalidParams);
    expect(answer.error?.message).toMatch(/Unknown task/);
  });
});

// Threat model (docs/server.md "Tasks"): a task id is a bearer handle to a caller's work. Each threat below
// has its test: another caller, an altered id, an id from another deployment's key, an expired id.
describe("who may read a task", () => {
  const ALICE = "alice-key-0123456789abcdef";
  const MALLORY = "mallory-key-0123456789abcdef";
  const as = (key: string) => ({ headers: { "x-api-key": key }, declareTasks: true });
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ AUTH_MODE: "apikey", MCP_API_KEYS: `alice:${ALICE},mallory:${MALLORY}` });
  });
  afterAll(() => server.close());

  it("refuses another caller's task id on tasks/get, tasks/update and tasks/cancel, and leaves the task running", async () => {
    const created = await rpc(server.mcpUrl, "tools/call", wait(30), as(ALICE));
    const taskId = created.result?.taskId as string;
    for (const method of ["tasks/get", "tasks/update", "tasks/cancel"]) {
      const answer = await rpc(server.mcpUrl, method, { taskId, inputResponses: {} }, as(MALLORY));
      expect(answer.error?.code).toBe(ProtocolErrorCode.InvalidParams);
    }
    const owner = await rpc(server.mcpUrl, "tasks/get", { taskId }, as(ALICE));
    expect(owner.result?.status).toBe("working");
    await rpc(server.mcpUrl, "tasks/cancel", { taskId }, as(ALICE));
  });

  it("refuses an altered task id", async () => {
    const created = await rpc(server.mcpUrl, "tools/call", wait(1), as(ALICE));
    const taskId = created.result?.taskId as string;
    const [version, body, mac] = taskId.split(".");
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { p: { args: unknown } };
    payload.p.args = { seconds: 2 };
    const altered = [version, Buffer.from(JSON.stringify(payload)).toString("base64url"), mac].join(".");
    const answer = await rpc(server.mcpUrl, "tasks/get", { taskId: altered }, as(ALICE));
    expect(answer.error?.code).toBe(ProtocolErrorCode.InvalidParams);
  });
});

describe("tasks across replicas", () => {
  const KEY = "k".repeat(32);
  let first: RunningServer;
  let second: RunningServer;
  let stranger: RunningServer;
  beforeAll(async () => {
    const replica = () => startServer({}, { deps: { tasks: createTasksRuntime({ key: Buffer.from(KEY) }) } });
    first = await replica();
    second = await replica();
    stranger = await startServer(
      {},
      { deps: { tasks: createTasksRuntime({ key: Buffer.from("s".repeat(32)) }) } },
    );
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close(), stranger.close()]);
  });

  it("answers tasks/get for wait_with_progress on a replica that did not run it, from the signed id alone", async () => {
    const created = await rpc(first.mcpUrl, "tools/call", wait(3), { declareTasks: true });
    const taskId = created.result?.taskId as string;
    const meanwhile = await rpc(second.mcpUrl, "tasks/get", { taskId }, { declareTasks: true });
    expect(meanwhile.result).toMatchObject({
      taskId,
      status: "working",
      statusMessage: expect.stringMatching(/^[0-2]\/3 s$/),
    });
    const done = await settled(second.mcpUrl, taskId);
    expect(done.result).toMatchObject({
      status: "completed",
      result: { content: [{ type: "text", text: "Waited 3 seconds" }] },
    });
  });

  it("refuses a task id signed under another key (another deployment)", async () => {
    const created = await rpc(first.mcpUrl, "tools/call", wait(1), { declareTasks: true });
    const answer = await rpc(
      stranger.mcpUrl,
      "tasks/get",
      { taskId: created.result?.taskId },
      { declareTasks: true },
    );
    expect(answer.error?.code).toBe(ProtocolErrorCode.InvalidParams);
  });
});

describe("task expiry", () => {
  it("forgets a task after its TTL: tasks/get then answers -32602", async () => {
    const tasks = createTasksRuntime({ key: Buffer.from("e".repeat(32)), ttlMs: 1000 });
    const server = await startServer(
      {},
      { deps: { tasks }, serverFactory: () => createMcpServer({ tasks }) },
    );
    try {
      const created = await rpc(server.mcpUrl, "tools/call", wait(1), { declareTasks: true });
      expect(created.result?.ttlMs).toBe(1000);
      const taskId = created.result?.taskId as string;
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const answer = await rpc(server.mcpUrl, "tasks/get", { taskId }, { declareTasks: true });
      expect(answer.error?.code).toBe(ProtocolErrorCode.InvalidParams);
      expect(tasks.store.get(taskId)).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
