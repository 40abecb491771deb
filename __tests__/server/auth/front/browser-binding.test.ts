import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createBrowserBinding } from "../../../../server/auth/front/browser-binding";

// The consent page ties a sign-in to the browser that saw it: a nonce cookie, matched later. A page elsewhere
// that auto-submits the form arrives without the cookie. Served by express on 127.0.0.1, read with fetch.

const servers: Server[] = [];

/** An app binding browsers for `issuer`: /bind sets the cookie, /matches?nonce= compares, /clear ends it. */
async function bindingServer(issuer: string): Promise<string> {
  const binding = createBrowserBinding(issuer);
  const app = express();
  app.get("/bind", (_req, res) => void res.send(binding.bind(res, 600)));
  app.get("/matches", (req, res) => void res.json(binding.matches(req, String(req.query.nonce))));
  app.get("/clear", (_req, res) => {
    binding.clear(res);
    res.end();
  });
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function matches(base: string, nonce: string, cookie?: string): Promise<boolean> {
  const response = await fetch(`${base}/matches?nonce=${encodeURIComponent(nonce)}`, {
    headers: cookie === undefined ? {} : { cookie },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as boolean;
}

describe("an http issuer (a loopback test server)", () => {
  let base: string;
  beforeAll(async () => {
    base = await bindingServer("http://127.0.0.1:8080");
  });

  test("bind sets a fresh random nonce in an HttpOnly SameSite=Lax cookie scoped to /oauth", async () => {
    const first = await fetch(`${base}/bind`);
    const nonce = await first.text();
    expect(nonce).toMatch(/^[\w-]{43}$/);
    expect(first.headers.getSetCookie()).toEqual([
      `mcp-front=${nonce}; Max-Age=600; Path=/oauth; HttpOnly; SameSite=Lax`,
    ]);
    expect(await (await fetch(`${base}/bind`)).text()).not.toBe(nonce);
  });

  test("clear expires the cookie with the same attributes", async () => {
    const response = await fetch(`${base}/clear`);
    expect(response.headers.getSetCookie()).toEqual([
      "mcp-front=; Max-Age=0; Path=/oauth; HttpOnly; SameSite=Lax",
    ]);
  });

  test("the cookie matches its nonce, among other cookies and spaces", async () => {
    const nonce = await (await fetch(`${base}/bind`)).text();
    expect(await matches(base, nonce, `mcp-front=${nonce}`)).toBe(true);
    expect(await matches(base, nonce, `theme=dark;   mcp-front=${nonce} ; lang=en`)).toBe(true);
  });

  test("no cookie, another cookie, another nonce or a nonce of another length do not match", async () => {
    const nonce = await (await fetch(`${base}/bind`)).text();
    expect(await matches(base, nonce)).toBe(false);
    expect(await matches(base, nonce, `theme=${nonce}`)).toBe(false);
    expect(await matches(base, nonce, `xmcp-front=${nonce}`)).toBe(false);
    expect(
      await matches(base, nonce, `mcp-front=${nonce.replace(/^./, (c) => (c === "A" ? "B" : "A"))}`),
    ).toBe(false);
    expect(await matches(base, nonce, `mcp-front=${nonce}A`)).toBe(false);
    expect(await matches(base, nonce, `mcp-front=${nonce.slice(1)}`)).toBe(false);
    expect(await matches(base, nonce, `mcp-front=`)).toBe(false);
  });

  test("a cookie value is taken whole, '=' included", async () => {
    expect(await matches(base, "ab=cd", "mcp-front=ab=cd")).toBe(true);
    expect(await matches(base, "abcd", "mcp-front=ab=cd")).toBe(false);
  });

  test("the https cookie name is not this issuer's", async () => {
    expect(await matches(base, "nonce", "__Secure-mcp-front=nonce")).toBe(false);
  });
});

describe("an https issuer", () => {
  let base: string;
  beforeAll(async () => {
    base = await bindingServer("https://mcp.example.com");
  });

  test("the cookie is __Secure- prefixed and Secure", async () => {
    const response = await fetch(`${base}/bind`);
    const nonce = await response.text();
    expect(response.headers.getSetCookie()).toEqual([
      `__Secure-mcp-front=${nonce}; Max-Age=600; Path=/oauth; HttpOnly; SameSite=Lax; Secure`,
    ]);
    expect((await fetch(`${base}/clear`)).headers.getSetCookie()).toEqual([
      "__Secure-mcp-front=; Max-Age=0; Path=/oauth; HttpOnly; SameSite=Lax; Secure",
    ]);
    expect(await matches(base, nonce, `__Secure-mcp-front=${nonce}`)).toBe(true);
    expect(await matches(base, nonce, `mcp-front=${nonce}`)).toBe(false);
  });

  test("an issuer that only ends in https:// is not https", async () => {
    const odd = await bindingServer("http://example.com/https://");
    expect((await fetch(`${odd}/bind`)).headers.getSetCookie()[0]).toMatch(/^mcp-front=.*SameSite=Lax$/);
  });
});
