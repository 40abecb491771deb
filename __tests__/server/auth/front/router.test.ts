import { parseAuthConfig } from "../../../../server/auth/config";
import { oauthFrontRouter } from "../../../../server/auth/front/router";

// With MCP_OAUTH_FRONT off the front's router is empty: no authorization server endpoint exists to reach.

test("an Entra configuration without the front gives a router with no routes", () => {
  const auth = parseAuthConfig({
    AUTH_MODE: "entra",
    AZURE_TENANT_ID: "11111111-2222-3333-4444-555555555555",
    MCP_AUDIENCE: "api://6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f",
  });
  if (auth.mode !== "entra") throw new Error("expected entra mode");
  expect(auth.front).toBeUndefined();
  expect(oauthFrontRouter(auth).stack).toEqual([]);
});
