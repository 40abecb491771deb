import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { InvalidGrantError } from "@modelcontextprotocol/server-legacy/auth";
import { parseAuthConfig } from "../../../../server/auth/config";
import { mintAccessToken } from "../../../../server/auth/front/access-tokens";
import { createClientsStore } from "../../../../server/auth/front/clients";
import { createEntraClient } from "../../../../server/auth/front/entra-client";
import { createFrontProvider } from "../../../../server/auth/front/provider";
import { createSealer } from "../../../../server/auth/front/sealed";
import type { CallerIdentity } from "../../../../server/auth/types";

// The provider's own check of a front access token (the SDK's OAuthServerProvider.verifyAccessToken, for an
// SDK bearer-auth handler): the same verdict the server's authenticator reaches, in the SDK's AuthInfo shape.

const auth = parseAuthConfig({
  AUTH_MODE: "entra",
  AZURE_TENANT_ID: "11111111-2222-3333-4444-555555555555",
  MCP_AUDIENCE: "api://6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f",
  MCP_OAUTH_FRONT: "on",
  MCP_PUBLIC_URL: "https://mcp.example.com",
  MCP_OAUTH_FRONT_KEY: "k".repeat(48),
});
if (auth.mode !== "entra" || auth.front === undefined) throw new Error("expected the front");
const config = auth.front;
const sealer = createSealer(config.key, config.issuer);
// No logger (the deployment always passes one): what is logged must not be needed for the answer. Entra's
// token endpoint is on a closed port of this machine, so every redemption there fails.
const { provider, callback } = createFrontProvider({
  config,
  sealer,
  clientsStore: createClientsStore(sealer, { allowLoopback: false }),
  entra: createEntraClient({ ...config, clientSecret: "s", entraTokenUrl: "http://127.0.0.1:1/token" }),
  verifyEntraToken: async () => ({ outcome: "invalid_token", reason: "not used here" }),
});
const client = { client_id: "client-1", redirect_uris: ["http://127.0.0.1:4567/callback"] };

const caller: CallerIdentity = {
  kind: "entra",
  id: "oid-1",
  objectId: "oid-1",
  scopes: ["user_impersonation", "Mcp.Use"],
  roles: [],
};

test("a token for /mcp gives the SDK's AuthInfo: the token, the caller's app and scopes, the expiry", async () => {
  const token = await mintAccessToken(sealer, 600, {
    resource: "https://mcp.example.com/mcp",
    clientId: "c",
    caller: { ...caller, appId: "app-9" },
  });
  const info = await provider.verifyAccessToken(token);
  expect(info).toEqual({
    token,
    clientId: "app-9",
    scopes: ["user_impersonation", "Mcp.Use"],
    expiresAt: expect.any(Number),
  });
  expect(info.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
});

test("a caller without an app id gives an empty client id", async () => {
  const token = await mintAccessToken(sealer, 600, {
    resource: "https://mcp.example.com/mcp",
    clientId: "c",
    caller,
  });
  expect((await provider.verifyAccessToken(token)).clientId).toBe("");
});

test("a token for /sse or an altered one is the SDK's invalid_grant with the reason", async () => {
  const sse = await mintAccessToken(sealer, 600, {
    resource: "https://mcp.example.com/sse",
    clientId: "c",
    caller,
  });
  await expect(provider.verifyAccessToken(sse)).rejects.toThrow(InvalidGrantError);
  await expect(provider.verifyAccessToken(sse)).rejects.toThrow(
    "front access token was issued for another resource",
  );
  await expect(provider.verifyAccessToken(`${sse}x`)).rejects.toThrow(
    "front access token is not valid (altered, expired or another key)",
  );
});

describe("without a logger", () => {
  test("a replayed code is still refused as already used", async () => {
    const code = await sealer.seal(
      "code",
      {
        cid: client.client_id,
        ruri: client.redirect_uris[0],
        cch: "challenge",
        res: "https://mcp.example.com/mcp",
        scp: [],
        caller,
        jti: "code-1",
      },
      60,
    );
    await provider.exchangeAuthorizationCode(client, code);
    await expect(provider.exchangeAuthorizationCode(client, code)).rejects.toThrow(
      "authorization code was already used",
    );
  });

  test("a refresh Entra cannot redeem is still refused as a sign-in no longer valid", async () => {
    const refresh = await sealer.seal(
      "refresh",
      {
        cid: client.client_id,
        res: "https://mcp.example.com/mcp",
        scp: [],
        ert: "entra-rt",
        fam: "f1",
        jti: "r1",
      },
      3600,
    );
    await expect(provider.exchangeRefreshToken(client, refresh)).rejects.toThrow(
      "the sign-in at Entra ID is no longer valid; sign in again",
    );
  });
});

test("without a logger, Entra's refusal at the callback still goes back to the client as access_denied", async () => {
  const app = express();
  app.get("/oauth/callback", callback);
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const nonce = "n".repeat(43);
    const pending = {
      cid: client.client_id,
      ruri: client.redirect_uris[0],
      cch: "c",
      scp: [],
      res: "r",
      nonce,
    };
    const state = await sealer.seal("entra-state", { p: pending, ev: "verifier" }, 600);
    const response = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/callback?code=c&state=${state}`,
      { headers: { cookie: `__Secure-mcp-front=${nonce}` }, redirect: "manual" },
    );
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location")!).searchParams.get("error")).toBe("access_denied");
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
