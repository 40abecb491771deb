import { ProtocolErrorCode } from "@modelcontextprotocol/server";
import { TASKS_EXTENSION } from "../../../server/tasks/extension";
import { RecordingUpstream, startRecordingUpstream } from "../front/support/upstreams";
import { RunningServer, startServer } from "../support/test-server";
import { rpc } from "./support/tasks-rpc";

describe("front mode and the tasks methods (SEP-2663)", () => {
  let upstream: RecordingUpstream;
  let front: RunningServer;
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    front = await startServer({ MCP_UPSTREAM_URL: upstream.url });
  });
  afterAll(async () => {
    await front.close();
    await upstream.close();
  });

  it.each(["tasks/get", "tasks/update", "tasks/cancel"])(
    "answers %s without the extension declared with -32021 itself, sending nothing upstream",
    async (method) => {
      const before = upstream.requests.length;
      const answer = await rpc(front.mcpUrl, method, { taskId: "t-1", inputResponses: {} });
      expect(answer.status).toBe(400);
      expect(answer.error?.code).toBe(ProtocolErrorCode.MissingRequiredClientCapability);
      expect(answer.error?.data).toEqual({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
      expect(upstream.requests.length).toBe(before);
    },
  );

  it("forwards a tasks request that declares the extension, and other requests, to the upstream", async () => {
    const before = upstream.requests.length;
    const declared = await rpc(front.mcpUrl, "tasks/get", { taskId: "t-1" }, { declareTasks: true });
    expect(declared.result).toEqual({ ok: true });
    const other = await rpc(front.mcpUrl, "tools/list", {});
    expect(other.result).toEqual({ ok: true });
    expect(
      upstream.requests.slice(before).map((r) => (JSON.parse(r.body) as { method: string }).method),
    ).toEqual(["tasks/get", "tools/list"]);
  });
});
