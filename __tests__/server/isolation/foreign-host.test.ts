import { rawExchange, requestBytes } from "../../reliability/support/raw-http";
import { APP_ID_URI, CLIENT_ID, TENANT_ID } from "../auth/support/tokens";
import { RunningServer, startServer } from "../support/test-server";

// Metadata and challenge URLs come only from MCP_PUBLIC_URL or an allowed Host.
const ENTRA = {
  AUTH_MODE: "entra",
  AZURE_TENANT_ID: TENANT_ID,
  MCP_AUDIENCE: `${CLIENT_ID},${APP_ID_URI}`,
  AUTH_JWKS_URI: "http://127.0.0.1:9/keys",
};

describe("a foreign Host never reaches a metadata or challenge URL", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(ENTRA);
  });
  afterAll(() => server.close());

  const port = () => Number(new URL(server.base).port);
  const get = (host: string, path: string) =>
    rawExchange(port(), requestBytes({ method: "GET", path, headers: [["Host", host]] }), 5000);

  it.each(["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"])(
    "refuses Host: evil.example on %s with 403, and serves an allowed host",
    async (path) => {
      const evil = await get("evil.example", path);
      expect(evil.status).toBe(403);
      expect(evil.body.toString()).toMatch(/Host 'evil.example' is not allowed \(MCP_ALLOWED_HOSTS\)/);
      expect(evil.body.toString()).not.toContain('"resource"');
      const ok = await get(`127.0.0.1:${port()}`, path);
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body.toString())).toMatchObject({ resource: `http://127.0.0.1:${port()}/mcp` });
    },
  );

  it("answers a POST /mcp under a foreign Host 403 without a challenge that names it", async () => {
    const answer = await rawExchange(
      port(),
      requestBytes({ path: "/mcp", headers: [["Host", "evil.example"]], body: "{}" }),
      5000,
    );
    expect(answer.status).toBe(403);
    expect(answer.headers["www-authenticate"]).toBeUndefined();
  });
});
