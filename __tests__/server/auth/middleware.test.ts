import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { parseAuthConfig } from "../../../server/auth/config";
import { anonymousCaller, callerOf, createAuthMiddleware } from "../../../server/auth/middleware";

// The auth middleware where the server's own wiring does not reach: behind a trusted proxy with
// AUTH_MODE=none, and used without a logger (a library user's app).

test("AUTH_MODE=none behind a trusted proxy names the caller by the forwarded address", async () => {
  const app = express();
  // What MCP_TRUSTED_PROXY_HOPS=1 sets (server/create-app.ts).
  app.set("trust proxy", 1);
  app.use(createAuthMiddleware(parseAuthConfig({})));
  app.get("/who", (req, res) => void res.json(callerOf(req.auth)));
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const forwarded = await fetch(`${base}/who`, { headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(((await forwarded.json()) as { id: string }).id).toBe("203.0.113.9");
    expect(((await (await fetch(`${base}/who`)).json()) as { id: string }).id).toBe("127.0.0.1");
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("without a logger, unfetchable signing keys leave the server not ready, and refusals are still answered", async () => {
  const middleware = createAuthMiddleware(
    parseAuthConfig({
      AUTH_MODE: "entra",
      AZURE_TENANT_ID: "11111111-2222-3333-4444-555555555555",
      MCP_AUDIENCE: "api://6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f",
      // A closed port on this machine.
      AUTH_JWKS_URI: "http://127.0.0.1:1/keys",
    }),
  );
  expect(middleware.readiness.name).toBe("jwks");
  await expect(middleware.readiness.check()).resolves.toBe(false);

  // A refused request is still answered (its log line has nowhere to go).
  const app = express();
  app.use(middleware);
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, {
      method: "POST",
    });
    expect(response.status).toBe(401);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("AUTH_MODE=none names a caller without an address 'unknown', one key for all of them, never an empty id", () => {
  // A client whose socket is gone before the middleware reads its address has none; no real socket can
  // time that, so the naming is checked on its own.
  expect(anonymousCaller(undefined)).toEqual({ kind: "anonymous", id: "unknown", scopes: [], roles: [] });
  expect(anonymousCaller("127.0.0.1").id).toBe("127.0.0.1");
});
