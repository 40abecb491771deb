import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { McpServer } from "@modelcontextprotocol/server";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { ECHO_MAX_CHARS, registerEcho } from "../../../server/tools/echo";

describe("echo", () => {
  let client: Client;
  beforeAll(async () => {
    const server = new McpServer({ name: "test-server", version: "1.0.0" });
    registerEcho(server);
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientTransport);
  });
  afterAll(() => client.close());

  const call = async (message: string) =>
    (await client.callTool({ name: "echo", arguments: { message } })) as CallToolResult;

  it(`returns a message of ${ECHO_MAX_CHARS} characters`, async () => {
    const message = "x".repeat(ECHO_MAX_CHARS);
    expect((await call(message)).content).toEqual([{ type: "text", text: message }]);
  });

  it("rejects a longer message, naming the field and the bound", async () => {
    const result = await call("x".repeat(ECHO_MAX_CHARS + 1));
    expect(result.isError).toBe(true);
    const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    expect(text).toContain("Invalid arguments for tool echo");
    expect(text).toContain("message must be at most 10000 characters");
  });
});
