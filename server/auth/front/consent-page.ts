/** What the consent page shows: who asks, where the answer goes, and the sealed request it approves. */
export interface ConsentView {
  /** The client's self-declared name; the page says when it is unverified. */
  readonly clientName?: string;
  /** A DCR id or a CIMD URL; the page shows a URL's host as the publisher. */
  readonly clientId: string;
  /** Where the answer goes; the page names its host. */
  readonly redirectUri: string;
  /** The MCP URL the tokens will be for. */
  readonly resource: string;
  /** The pending request, sealed: the form posts it back unchanged. */
  readonly sealedRequest: string;
  /** The path the form posts to (the consent endpoint). */
  readonly action: string;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * One HTML form, POST, approved by its submit button named `approve` (or refused by `deny`). It names the
 * client and the host the answer goes to, so a user sent here by someone else's link sees where their
 * sign-in would end up before anything is sent to Entra.
 */
export function renderConsentPage(view: ConsentView): string {
  const redirectHost = new URL(view.redirectUri).host;
  const name = view.clientName?.trim() ? view.clientName : "An unnamed application";
  // A metadata document's URL says who published it; a registered client's name is its own claim.
  const published = view.clientId.startsWith("https://");
  const id = published
    ? `published at ${escape(new URL(view.clientId).host)}: <code>${escape(view.clientId)}</code>`
    : "registered by itself: its name is not verified";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allow access?</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}
code{word-break:break-all}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}</style></head>
<body><h1>Allow access?</h1>
<p><strong>${escape(name)}</strong> (${id}) asks to use
<code>${escape(view.resource)}</code> as you.</p>
<p>After you sign in, your access will be sent to <strong>${escape(redirectHost)}</strong>
(<code>${escape(view.redirectUri)}</code>). Continue only if you started this sign-in and trust that application.</p>
<form method="post" action="${escape(view.action)}">
<input type="hidden" name="request" value="${escape(view.sealedRequest)}">
<button type="submit" name="approve" value="yes">Allow and sign in</button>
<button type="submit" name="deny" value="yes">Deny</button>
</form></body></html>
`;
}
