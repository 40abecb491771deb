import { hkdfSync, randomBytes } from "node:crypto";
import { EncryptJWT } from "jose";
import { createSealer, looksSealed, type SealedKind } from "../../../../server/auth/front/sealed";

// What the front hands out (registered client ids, consent requests, Entra state, codes, refresh and access
// tokens) is sealed under MCP_OAUTH_FRONT_KEY (docs/authentication.md). Registered client ids never expire,
// so the key derivation is a format later versions must keep: it is pinned here by deriving the key
// independently of the code.

const ISSUER = "https://mcp.example.com";
const secret = new Uint8Array(randomBytes(48));

/** HKDF-SHA256(MCP_OAUTH_FRONT_KEY, salt "cdktf-azure-mcp oauth front v1", info "<issuer>\0<kind>"), 32 bytes. */
function derivedKey(kind: SealedKind, issuer = ISSUER, key = secret): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", key, "cdktf-azure-mcp oauth front v1", `${issuer}\0${kind}`, 32));
}

/** A value sealed outside the code under test, with the derived key and chosen headers and claims. */
function sealedByHand(
  kind: SealedKind,
  {
    typ = kind as string,
    iss = ISSUER,
    alg = "dir",
    exp,
  }: { typ?: string; iss?: string; alg?: string; exp?: number } = {},
): Promise<string> {
  const jwt = new EncryptJWT({ v: 1 })
    .setProtectedHeader({ alg, enc: "A256GCM", typ })
    .setIssuer(iss)
    .setIssuedAt();
  if (exp !== undefined) jwt.setExpirationTime(exp);
  return jwt.encrypt(derivedKey(kind));
}

test("a sealed value opens as its own kind with its claims, and as no other kind", async () => {
  const sealer = createSealer(secret, ISSUER);
  const code = await sealer.seal("code", { sub: "alice", n: 7 }, 60);
  expect(await sealer.open("code", code)).toMatchObject({ sub: "alice", n: 7, iss: ISSUER });
  for (const kind of ["client", "consent", "entra-state", "refresh", "access"] as const) {
    expect(await sealer.open(kind, code)).toBeUndefined();
  }
});

test("the key of each kind is HKDF-SHA256 of MCP_OAUTH_FRONT_KEY for this issuer: values made by hand open", async () => {
  const sealer = createSealer(secret, ISSUER);
  for (const kind of ["client", "consent", "entra-state", "code", "refresh", "access"] as const) {
    expect(await sealer.open(kind, await sealedByHand(kind))).toMatchObject({ v: 1, iss: ISSUER });
  }
});

test("a value made with the right key is still refused with another kind's type, issuer or key wrapping", async () => {
  const sealer = createSealer(secret, ISSUER);
  expect(await sealer.open("code", await sealedByHand("code", { typ: "refresh" }))).toBeUndefined();
  expect(
    await sealer.open("code", await sealedByHand("code", { iss: "https://other.example.com" })),
  ).toBeUndefined();
  // A256KW wraps a random content key with the same 32 bytes: only `dir` is accepted.
  expect(await sealer.open("code", await sealedByHand("code", { alg: "A256KW" }))).toBeUndefined();
});

test("another key or another issuer cannot open it; a replica with the same key and issuer can", async () => {
  const value = await createSealer(secret, ISSUER).seal("refresh", { fam: "f1" }, 3600);
  expect(await createSealer(new Uint8Array(randomBytes(48)), ISSUER).open("refresh", value)).toBeUndefined();
  expect(await createSealer(secret, "https://other.example.com").open("refresh", value)).toBeUndefined();
  expect(await createSealer(Uint8Array.from(secret), ISSUER).open("refresh", value)).toMatchObject({
    fam: "f1",
  });
});

test("a value sealed with a lifetime expires; one sealed without (a registered client) does not", async () => {
  const sealer = createSealer(secret, ISSUER);
  expect(await sealer.open("access", await sealer.seal("access", { a: 1 }, 0))).toBeUndefined();
  const lasting = await sealer.seal("access", { a: 1 }, 3600);
  const claims = await sealer.open<{ exp: number; iat: number }>("access", lasting);
  expect(claims!.exp - claims!.iat).toBe(3600);
  const client = await sealer.open<{ exp?: number }>("client", await sealer.seal("client", { reg: {} }));
  expect(client).toBeDefined();
  expect(client!.exp).toBeUndefined();
  expect(
    await sealer.open("code", await sealedByHand("code", { exp: Math.floor(Date.now() / 1000) - 5 })),
  ).toBeUndefined();
});

test("an altered value is refused", async () => {
  const sealer = createSealer(secret, ISSUER);
  const value = await sealer.seal("consent", { p: "x" }, 600);
  const parts = value.split(".");
  const flipped = (part: string) => (part[0] === "A" ? `B${part.slice(1)}` : `A${part.slice(1)}`);
  for (const index of [0, 2, 3, 4]) {
    const altered = parts.map((part, i) => (i === index ? flipped(part) : part)).join(".");
    expect(await sealer.open("consent", altered)).toBeUndefined();
  }
  expect(await sealer.open("consent", "not.a.sealed.value")).toBeUndefined();
});

describe("looksSealed: the shape of a compact JWE (five base64url parts, the second may be empty)", () => {
  test("what the front seals has it", async () => {
    expect(looksSealed(await createSealer(secret, ISSUER).seal("access", {}, 60))).toBe(true);
  });

  test.each(["ab.cd.ef.gh.ij", "ab..ef.gh.ij", "a-_b.c.d-.e_.f9", "a..b.c.d"])("%s has it", (value) => {
    expect(looksSealed(value)).toBe(true);
  });

  test.each([
    ["a JWS (three parts)", "ab.cd.ef"],
    ["four parts", "ab..ef.gh"],
    ["six parts", "ab.cd.ef.gh.ij.kl"],
    ["something before it", "=ab..ef.gh.ij"],
    ["something after it", "ab..ef.gh.ij="],
    ["an empty first part", ".cd.ef.gh.ij"],
    ["an empty third part", "ab.cd..gh.ij"],
    ["an empty fourth part", "ab.cd.ef..ij"],
    ["an empty fifth part", "ab.cd.ef.gh."],
    ["a character outside base64url", "ab.c+d.ef.gh.ij"],
  ])("%s has not (%s)", (_name, value) => {
    expect(looksSealed(value)).toBe(false);
  });
});
