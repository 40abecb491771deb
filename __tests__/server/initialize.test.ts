import { AddressInfo } from "node:net";
import { Server } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createApp } from "../../server/create-app";

describe("server over Streamable HTTP", () => {
  let http: Server;
  let url: URL;

  beforeAll(async () => {
    http = createApp().listen(0, "127.0.0.1");
    await new Promise((resolve) => http.once("listening", resolve));
    url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
  });
  afterAll(() => new Promise((resolve) => http.close(resolve)));

  it("answers initialize with its name and calls echo", async () => {
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(url));
    expect(client.getServerVersion()?.name).toBe("cdktf-azure-mcp");
    const result = await client.callTool({ name: "echo", arguments: { message: "hello" } });
    expect(result.content).toEqual([{ type: "text", text: "hello" }]);
    await client.close();
  });
});
