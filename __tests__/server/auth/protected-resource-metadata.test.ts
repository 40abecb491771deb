import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { parseAuthConfig } from "../../../server/auth/config";
import { startTestApp, type TestApp } from "./support/test-app";
import { APP_ID_URI, CLIENT_ID, TENANT_ID } from "./support/tokens";

const PRM_PATH = "/.well-known/oauth-protected-resource";
const PATHS = [PRM_PATH, `${PRM_PATH}/mcp`];

function entra(extra: Record<string, string> = {}) {
  return parseAuthConfig({
    AUTH_MODE: "entra",
    AZURE_TENANT_ID: TENANT_ID,
    // The GUID first: the advertised scopes must still use the api:// identifier URI.
    MCP_AUDIENCE: `${CLIENT_ID},${APP_ID_URI}`,
    MCP_REQUIRED_SCOPES: "user_impersonation,Mcp.Read",
    AUTH_JWKS_URI: "http://127.0.0.1:9/keys",
    ...extra,
  });
}

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("protected resource metadata (entra mode)", () => {
  test.each(PATHS)("%s is served without auth, resource derived from the request", async (path) => {
    app = await startTestApp(entra());
    const res = await fetch(`${app.url}${path}`, { headers: { origin: "https://client.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({
      resource: `${app.url}/mcp`,
      authorization_servers: [`https://login.microsoftonline.com/${TENANT_ID}/v2.0`],
      scopes_supported: [`${APP_ID_URI}/user_impersonation`, `${APP_ID_URI}/Mcp.Read`],
      bearer_methods_supported: ["header"],
      resource_name: "cdktf-azure-mcp",
    });
  });

  test.each(PATHS)("%s uses MCP_PUBLIC_URL and the given resource name", async (path) => {
    app = await startTestApp(entra(), {
      publicUrl: "https://mcp.contoso.example/",
      resourceName: "Contoso MCP",
    });
    const body = (await (await fetch(`${app.url}${path}`)).json()) as Record<string, unknown>;
    expect(body.resource).toBe("https://mcp.contoso.example/mcp");
    expect(body.resource_name).toBe("Contoso MCP");
  });

  test("a 401 points at the path-suffixed document under MCP_PUBLIC_URL", async () => {
    app = await startTestApp(entra(), { publicUrl: "https://mcp.contoso.example" });
    const res = await fetch(`${app.url}/mcp`, { method: "POST" });
    expect(res.headers.get("www-authenticate")).toContain(
      'resource_metadata="https://mcp.contoso.example/.well-known/oauth-protected-resource/mcp"',
    );
  });

  test("the SDK client's own discovery follows a 401 to the metadata and parses it", async () => {
    app = await startTestApp(entra());
    const unauthorized = await fetch(`${app.url}/mcp`, { method: "POST" });
    const { resourceMetadataUrl, scope, error } = extractWWWAuthenticateParams(unauthorized);
    expect(resourceMetadataUrl?.href).toBe(`${app.url}/.well-known/oauth-protected-resource/mcp`);
    expect(scope).toBe(`${APP_ID_URI}/user_impersonation ${APP_ID_URI}/Mcp.Read`);
    expect(error).toBeUndefined();
    const metadata = await discoverOAuthProtectedResourceMetadata(`${app.url}/mcp`, { resourceMetadataUrl });
    expect(metadata.resource).toBe(`${app.url}/mcp`);
    // Without the hint the SDK tries the path-suffixed well-known URL first.
    expect((await discoverOAuthProtectedResourceMetadata(`${app.url}/mcp`)).authorization_servers).toEqual([
      `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
    ]);
  });

  test("legacy SSE has a document of its own, and a 401 on /sse or /messages points to it", async () => {
    app = await startTestApp(entra());
    const sse = (await (await fetch(`${app.url}${PRM_PATH}/sse`)).json()) as Record<string, unknown>;
    expect(sse.resource).toBe(`${app.url}/sse`);
    for (const path of ["/sse", "/messages?sessionId=x"]) {
      const { resourceMetadataUrl } = extractWWWAuthenticateParams(await fetch(`${app.url}${path}`));
      expect(resourceMetadataUrl?.href).toBe(`${app.url}${PRM_PATH}/sse`);
    }
    // What the SDK OAuth client checks before it trusts a document: its resource is the server it called.
    const metadata = await discoverOAuthProtectedResourceMetadata(`${app.url}/sse`, {
      resourceMetadataUrl: new URL(`${app.url}${PRM_PATH}/sse`),
    });
    expect(metadata.resource).toBe(`${app.url}/sse`);
  });

  test("without legacy SSE there is no /sse document", async () => {
    app = await startTestApp(entra(), { legacySseEnabled: false });
    expect((await fetch(`${app.url}${PRM_PATH}/sse`)).status).toBe(404);
  });

  test("a CORS preflight for the document succeeds", async () => {
    app = await startTestApp(entra());
    const res = await fetch(`${app.url}${PATHS[1]}`, {
      method: "OPTIONS",
      headers: { origin: "https://client.example", "access-control-request-method": "GET" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, OPTIONS");
    expect(res.headers.get("access-control-allow-headers")).toBe("*");
  });

  test("the document may be cached for an hour by anyone", async () => {
    app = await startTestApp(entra());
    const res = await fetch(`${app.url}${PATHS[1]}`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, OPTIONS");
  });

  test("MCP_PUBLIC_URL loses its trailing slashes, however many", async () => {
    app = await startTestApp(entra(), { publicUrl: "https://mcp.contoso.example//" });
    const body = (await (await fetch(`${app.url}${PATHS[1]}`)).json()) as Record<string, unknown>;
    expect(body.resource).toBe("https://mcp.contoso.example/mcp");
  });

  test("with AUTH_ISSUERS, the login.microsoftonline.com issuers are the authorization servers", async () => {
    const issuers = `https://sts.windows.net/${TENANT_ID}/,https://login.microsoftonline.com/${TENANT_ID}/v2.0`;
    app = await startTestApp(entra({ AZURE_TENANT_ID: "contoso.onmicrosoft.com", AUTH_ISSUERS: issuers }));
    const body = (await (await fetch(`${app.url}${PATHS[0]}`)).json()) as Record<string, unknown>;
    expect(body.authorization_servers).toEqual([`https://login.microsoftonline.com/${TENANT_ID}/v2.0`]);
  });
});
