import http, { type ClientRequest, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";

/** The HTTP upstream the front relays to: its URL, its name in messages and one kept-alive agent. */
export class UpstreamTarget {
  /** MCP_UPSTREAM_URL, parsed. */
  readonly url: URL;
  /** The upstream as error messages name it: origin and path, never a query string. */
  readonly name: string;
  private readonly client: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(url: string) {
    this.url = new URL(url);
    this.name = `upstream ${this.url.origin}${this.url.pathname}`;
    this.client = this.url.protocol === "https:" ? https : http;
    this.agent = new this.client.Agent({ keepAlive: true });
  }

  /** A request to the upstream's URL on the shared agent; the caller writes and ends it. */
  request(method: string, headers: OutgoingHttpHeaders, timeoutMs?: number): ClientRequest {
    return this.client.request(this.url, {
      method,
      agent: this.agent,
      headers,
      ...(timeoutMs !== undefined && { timeout: timeoutMs }),
    });
  }
}
