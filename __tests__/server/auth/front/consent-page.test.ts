import { renderConsentPage, type ConsentView } from "../../../../server/auth/front/consent-page";

// The consent page names who asks and where the answer goes, and nothing a client chose can break out of
// the HTML it is written into (a client's name and redirect URI are its own claims).

const view: ConsentView = {
  clientName: "Editor",
  clientId: "sealed-registration",
  redirectUri: "http://127.0.0.1:4567/callback",
  resource: "https://mcp.example.com/mcp",
  sealedRequest: "a.b.c.d.e",
  action: "/oauth/consent",
};

test("it names the client, the resource and the host the answer goes to, in one POST form", () => {
  const page = renderConsentPage(view);
  expect(page).toContain(
    "<strong>Editor</strong> (registered by itself: its name is not verified) asks to use",
  );
  expect(page).toContain("<code>https://mcp.example.com/mcp</code> as you.");
  expect(page).toContain(
    "sent to <strong>127.0.0.1:4567</strong>\n(<code>http://127.0.0.1:4567/callback</code>)",
  );
  expect(page).toContain('<form method="post" action="/oauth/consent">');
  expect(page).toContain('<input type="hidden" name="request" value="a.b.c.d.e">');
  expect(page).toContain('<button type="submit" name="approve" value="yes">');
  expect(page).toContain('<button type="submit" name="deny" value="yes">');
});

test("a client with a metadata document is named with the host that published it", () => {
  const page = renderConsentPage({ ...view, clientId: "https://client.example.org/mcp.json" });
  expect(page).toContain(
    "<strong>Editor</strong> (published at client.example.org: <code>https://client.example.org/mcp.json</code>)",
  );
  expect(page).not.toContain("not verified");
});

test("a client id that only ends in https:// is not a published one", () => {
  const page = renderConsentPage({ ...view, clientId: "sealed-https://" });
  expect(page).toContain("registered by itself: its name is not verified");
});

test.each([undefined, "", "   "])("a client without a name (%p) is an unnamed application", (clientName) => {
  expect(renderConsentPage({ ...view, clientName })).toContain("<strong>An unnamed application</strong>");
});

test("a name keeps its own spaces", () => {
  expect(renderConsentPage({ ...view, clientName: " My  editor " })).toContain(
    "<strong> My  editor </strong>",
  );
});

test("everything a client chose is escaped: & < > \" ' become character references", () => {
  const page = renderConsentPage({
    ...view,
    clientName: `<script>alert("x")</script> & 'co'`,
    clientId: "https://client.example.org/a?b=<i>&c='d'",
    redirectUri: 'http://127.0.0.1:4567/cb?x="><img src=x>',
    resource: "https://mcp.example.com/<b>",
    sealedRequest: '"><script>',
    action: "/oauth/consent?'",
  });
  expect(page).toContain("&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;co&#39;");
  expect(page).toContain("https://client.example.org/a?b=&#60;i&#62;&#38;c=&#39;d&#39;");
  expect(page).toContain("http://127.0.0.1:4567/cb?x=&#34;&#62;&#60;img src=x&#62;");
  expect(page).toContain("https://mcp.example.com/&#60;b&#62;");
  expect(page).toContain('value="&#34;&#62;&#60;script&#62;"');
  expect(page).toContain('action="/oauth/consent?&#39;"');
  expect(page).not.toMatch(/<script>|<img|<i>|<b>/);
});
