import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { parseAuthConfig } from "../../../../server/auth/config";
import { oauthFrontRouter } from "../../../../server/auth/front/router";
import type { EntraStandIn } from "./support/entra-stand-in";
import {
  API_CLIENT_ID,
  API_IDENTIFIER_URI,
  FRONT_SECRET,
  FRONT_TENANT,
  frontKey,
  startEntra,
} from "./support/front-server";
import { signedInCode } from "./support/raw-oauth";

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

describe("without a logger (a library user's app)", () => {
  let entra: EntraStandIn;
  let server: Server;
  let base: string;
  const clock = { now: Date.now() };
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    process.on("unhandledRejection", onRejection);
    entra = await startEntra();
    const app = express();
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = parseAuthConfig({
      AUTH_MODE: "entra",
      AZURE_TENANT_ID: FRONT_TENANT,
      MCP_AUDIENCE: `${API_CLIENT_ID},${API_IDENTIFIER_URI}`,
      AUTH_AUTHORITY: entra.authority,
      MCP_PUBLIC_URL: base,
      MCP_OAUTH_FRONT: "on",
      MCP_OAUTH_FRONT_KEY: frontKey(),
      MCP_OAUTH_FRONT_CLIENT_SECRET: FRONT_SECRET,
    });
    if (auth.mode !== "entra") throw new Error("expected entra mode");
    app.use(oauthFrontRouter(auth, { jwks: { now: () => clock.now } }));
    entra.addRedirectUri(`${base}/oauth/callback`);
  });

  afterAll(async () => {
    process.off("unhandledRejection", onRejection);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await entra.stop();
  });

  test("a failed background refresh of Entra's keys is swallowed: sign-ins go on", async () => {
    expect((await signedInCode(base)).code).toBeTruthy();
    clock.now += 11 * 60_000;
    entra.failsKeys = true;
    const fetchesBefore = entra.keyFetches;
    try {
      expect((await signedInCode(base)).code).toBeTruthy();
      // Wait for the background refresh to have been answered, then for its handling to settle.
      while (entra.keyFetches === fetchesBefore) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      entra.failsKeys = false;
    }
  });
});
