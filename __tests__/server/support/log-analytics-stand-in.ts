import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import type { AccessToken, TokenCredential } from "@azure/identity";

export const WORKSPACE_ID = "63613592-b6f7-4c3d-a390-22ba13102111";
export const TOKEN = "token-from-the-test-credential";

/** The documented Query_Post 200 shape (azure-rest-api-specs, OperationalInsights data plane v1). */
export const SAMPLE_RESULT = {
  tables: [
    {
      name: "PrimaryResult",
      columns: [
        { name: "Type", type: "string" },
        { name: "TenantId", type: "string" },
        { name: "count_", type: "long" },
      ],
      rows: [
        ["Usage", WORKSPACE_ID, 2],
        ["Heartbeat", WORKSPACE_ID, 5],
        ["ContainerAppConsoleLogs_CL", WORKSPACE_ID, 7],
      ],
    },
  ],
};

export interface SeenRequest {
  method?: string;
  url?: string;
  authorization?: string;
  contentType?: string;
  body: unknown;
}

export type Answer = (res: ServerResponse) => void;

/** A stand-in of the Log Analytics query API that records each request and answers as told. */
export class LogAnalyticsStandIn {
  readonly seen: SeenRequest[] = [];
  answer: Answer = (res) => json(res, 200, SAMPLE_RESULT);
  private readonly http: Server = createHttpServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    this.http.listen(0, "127.0.0.1");
    await new Promise((resolve) => this.http.once("listening", resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    this.seen.push({
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      body: JSON.parse(raw),
    });
    if (req.method !== "POST" || req.url !== `/v1/workspaces/${WORKSPACE_ID}/query`) {
      return json(res, 404, {
        error: { code: "PathNotFoundError", message: `unexpected ${req.method} ${req.url}` },
      });
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return json(res, 401, { error: { code: "AuthorizationRequiredError", message: "bad bearer token" } });
    }
    this.answer(res);
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

export class TestCredential implements TokenCredential {
  readonly scopesAsked: (string | string[])[] = [];
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopesAsked.push(scopes);
    return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}
