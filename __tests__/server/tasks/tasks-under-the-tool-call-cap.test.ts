import {
  CHILD_SERVER_TEST_TIMEOUT_MS,
  listeningUrl,
  startChildServer,
  type ChildServer,
} from "../support/child-server";
import { rpc, settled } from "./support/tasks-rpc";

jest.setTimeout(CHILD_SERVER_TEST_TIMEOUT_MS);

const wait = (seconds: number) => ({ name: "wait_with_progress", arguments: { seconds } });

/**
 * A task keeps running after the tools/call that created it has been answered. It keeps that call's place
 * under MCP_MAX_TOOL_CALLS_PER_CALLER until it ends, or one caller could fill the replica's task store (and
 * its CPU) through a cap of 2. The real server process, so serve.ts's wiring of the shared slots is what runs.
 */
describe("tasks count under the per-caller tool-call cap", () => {
  let child: ChildServer;
  let url: URL;
  beforeAll(async () => {
    child = startChildServer({ PORT: "0", AUTH_MODE: "none", MCP_MAX_TOOL_CALLS_PER_CALLER: "2" });
    url = new URL(`${await listeningUrl(child)}/mcp`);
  });
  afterAll(async () => {
    child.process.kill("SIGKILL");
    await child.exited;
  });

  it("refuses a third call while two tasks run, and frees a place when a task is cancelled or completes", async () => {
    const first = await rpc(url, "tools/call", wait(600), { declareTasks: true });
    const second = await rpc(url, "tools/call", wait(2), { declareTasks: true });
    expect([first.result?.resultType, second.result?.resultType]).toEqual(["task", "task"]);

    // Both places are taken by running tasks: neither another task nor a call in the request gets one.
    const third = await rpc(url, "tools/call", wait(600), { declareTasks: true });
    expect(third.status).toBe(429);
    expect(third.error?.message).toContain("MCP_MAX_TOOL_CALLS_PER_CALLER=2");
    const plain = await rpc(url, "tools/call", { name: "echo", arguments: { message: "hi" } });
    expect(plain.status).toBe(429);

    // A completed task frees its place.
    const done = await settled(url, second.result?.taskId as string);
    expect(done.result?.status).toBe("completed");
    expect((await rpc(url, "tools/call", { name: "echo", arguments: { message: "hi" } })).status).toBe(200);

    // A cancelled one too: afterwards two new tasks fit again (the 600 s one held its place until now).
    const blocked = await rpc(url, "tools/call", wait(600), { declareTasks: true });
    expect(blocked.result?.resultType).toBe("task");
    expect((await rpc(url, "tools/call", wait(600), { declareTasks: true })).status).toBe(429);
    for (const task of [first, blocked]) {
      await rpc(url, "tasks/cancel", { taskId: task.result?.taskId }, { declareTasks: true });
    }
    const again = await Promise.all([
      rpc(url, "tools/call", wait(600), { declareTasks: true }),
      rpc(url, "tools/call", wait(600), { declareTasks: true }),
    ]);
    expect(again.map((answer) => answer.result?.resultType)).toEqual(["task", "task"]);
  });
});
