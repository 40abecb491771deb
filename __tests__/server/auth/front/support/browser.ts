/**
 * A user agent as far as OAuth needs one: keeps cookies per origin, follows redirects by hand, and on the
 * front's consent page submits the form with its button named `approve` (or `deny`).
 */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();
  /** Every URL this browser was sent to, in order. */
  readonly visited: string[] = [];

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    this.visited.push(url);
    const origin = new URL(url).origin;
    const cookies = [...(this.jar.get(origin) ?? new Map()).entries()]
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
    const headers: Record<string, string> = cookies ? { cookie: cookies } : {};
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? "GET", headers, body, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = pair.trim().split("=");
      const jar = this.jar.get(origin) ?? new Map<string, string>();
      if (attributes.some((a) => a.trim().toLowerCase() === "max-age=0")) jar.delete(name);
      else jar.set(name, value.join("="));
      this.jar.set(origin, jar);
    }
    return response;
  }

  /** Follows redirects from `url` until one leads to `stopAt` (returned, not visited) or a page answers. */
  async follow(url: string, stopAt: string, init: { method?: string; form?: Record<string, string> } = {}) {
    let response = await this.request(url, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) return { response };
      const next = new URL(location, url).href;
      if (next.startsWith(stopAt)) return { response, redirectedTo: new URL(next) };
      url = next;
      response = await this.request(url);
    }
    throw new Error("too many redirects");
  }

  /** The consent form on `page`: its action (absolute) and hidden fields. */
  static consentForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(html);
    if (form === null) throw new Error(`no consent form on the page: ${html.slice(0, 200)}`);
    const fields: Record<string, string> = {};
    for (const input of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields[input[1]] = input[2].replace(/&#(\d+);/g, (_m, code: string) =>
        String.fromCharCode(Number(code)),
      );
    }
    return {
      action: new URL(
        form[1].replace(/&#(\d+);/g, (_m, c: string) => String.fromCharCode(Number(c))),
        pageUrl,
      ).href,
      fields,
    };
  }

  /**
   * The whole user part of a sign-in: open the authorization URL, approve the consent page, sign in at
   * Entra (the stand-in signs its configured user in at once) and come back to `redirectUri`.
   */
  async approve(authorizationUrl: string, redirectUri: string, button: "approve" | "deny" = "approve") {
    const page = await this.request(authorizationUrl);
    const html = await page.text();
    if (page.status !== 200)
      throw new Error(`authorization page answered ${page.status}: ${html.slice(0, 300)}`);
    const { action, fields } = Browser.consentForm(html, authorizationUrl);
    const result = await this.follow(action, redirectUri, {
      method: "POST",
      form: { ...fields, [button]: "yes" },
    });
    if (result.redirectedTo === undefined) {
      throw new Error(`sign-in did not come back: ${result.response.status} ${await result.response.text()}`);
    }
    return { html, callback: result.redirectedTo };
  }
}
