import { randomBytes } from "node:crypto";
import { mintAccessToken, verifyAccessToken } from "../../../../server/auth/front/access-tokens";
import { createSealer } from "../../../../server/auth/front/sealed";
import type { CallerIdentity } from "../../../../server/auth/types";

// The front's own access token names the Entra caller it was issued for, for one resource (the MCP URL of
// one endpoint): it is accepted there only, and gives exactly the caller a direct Entra token would give.

const ISSUER = "https://mcp.example.com";
const MCP = `${ISSUER}/mcp`;
const sealer = createSealer(new Uint8Array(randomBytes(48)), ISSUER);
const alice: CallerIdentity = {
  kind: "entra",
  id: "0b6f6d2e-1c3a-4c59-9f7e-2d8c7a1b5e44",
  objectId: "0b6f6d2e-1c3a-4c59-9f7e-2d8c7a1b5e44",
  name: "Alice",
  upn: "alice@contoso.example",
  tenantId: "11111111-2222-3333-4444-555555555555",
  scopes: ["user_impersonation"],
  roles: ["Mcp.Invoke"],
};

test("a token minted for a resource gives back its caller there, until it expires", async () => {
  const before = Math.floor(Date.now() / 1000);
  const token = await mintAccessToken(sealer, 600, { resource: MCP, clientId: "client-1", caller: alice });
  const verdict = await verifyAccessToken(sealer, token, MCP);
  expect(verdict).toEqual({ outcome: "ok", caller: alice, expiresAt: expect.any(Number) });
  const { expiresAt } = verdict as { expiresAt: number };
  expect(expiresAt).toBeGreaterThanOrEqual(before + 600);
  expect(expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
});

test("it carries the client and a unique id, and is sealed as an access token", async () => {
  const token = await mintAccessToken(sealer, 600, { resource: MCP, clientId: "client-1", caller: alice });
  const again = await mintAccessToken(sealer, 600, { resource: MCP, clientId: "client-1", caller: alice });
  const claims = await sealer.open<Record<string, unknown>>("access", token);
  expect(claims).toMatchObject({ aud: MCP, client_id: "client-1", caller: alice });
  expect(claims!.jti).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
  expect((await sealer.open<Record<string, unknown>>("access", again))!.jti).not.toBe(claims!.jti);
  expect(await sealer.open("refresh", token)).toBeUndefined();
});

test("a token for another resource is refused there, saying so", async () => {
  const token = await mintAccessToken(sealer, 600, {
    resource: `${ISSUER}/sse`,
    clientId: "c",
    caller: alice,
  });
  expect(await verifyAccessToken(sealer, token, MCP)).toEqual({
    outcome: "invalid_token",
    reason: "front access token was issued for another resource",
  });
});

test("an expired, altered or foreign token is refused, saying so", async () => {
  const refused = {
    outcome: "invalid_token",
    reason: "front access token is not valid (altered, expired or another key)",
  };
  const expired = await mintAccessToken(sealer, 0, { resource: MCP, clientId: "c", caller: alice });
  expect(await verifyAccessToken(sealer, expired, MCP)).toEqual(refused);
  const foreign = createSealer(new Uint8Array(randomBytes(48)), ISSUER);
  const other = await mintAccessToken(foreign, 600, { resource: MCP, clientId: "c", caller: alice });
  expect(await verifyAccessToken(sealer, other, MCP)).toEqual(refused);
  const code = await sealer.seal("code", { aud: MCP, caller: alice }, 600);
  expect(await verifyAccessToken(sealer, code, MCP)).toEqual(refused);
});
