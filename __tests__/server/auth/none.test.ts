import { parseAuthConfig } from "../../../server/auth/config";
import { startTestApp, type TestApp } from "./support/test-app";

let app: TestApp;

beforeEach(async () => {
  app = await startTestApp(parseAuthConfig({}));
});

afterEach(async () => {
  await app.close();
});

describe("none mode", () => {
  test("every request passes as an anonymous caller identified by its address", async () => {
    const res = await fetch(`${app.url}/mcp`, { method: "POST" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { caller: unknown; token: string; clientId: string };
    expect(body.caller).toEqual({ kind: "anonymous", id: "127.0.0.1", scopes: [], roles: [] });
    expect(body.token).toBe("");
    expect(body.clientId).toBe("anonymous");
  });

  test("no protected resource metadata", async () => {
    expect((await fetch(`${app.url}/.well-known/oauth-protected-resource/mcp`)).status).toBe(404);
  });
});
