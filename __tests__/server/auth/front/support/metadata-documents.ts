import { once } from "node:events";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { loopbackCertificate } from "../../../support/self-signed-certificate";

/**
 * Client ID Metadata Documents on https://127.0.0.1:<port>, with a certificate made in the test: `ca` is
 * what the server under test is told to trust. Paths answer what `documents` says; `fetches` counts them.
 */
export class MetadataDocuments {
  readonly certificate = loopbackCertificate();
  readonly documents = new Map<
    string,
    { status?: number; body: string; delayMs?: number; location?: string; cutShort?: boolean }
  >();
  readonly fetches: string[] = [];
  /** The Accept header of each fetch, in order. */
  readonly accepts: (string | undefined)[] = [];
  private server?: Server;

  get ca(): string {
    return this.certificate.cert;
  }

  url(path: string): string {
    return `https://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  /** Serves a well-formed document at `path` naming its own URL as client_id (unless overridden). */
  publish(path: string, fields: Record<string, unknown> = {}): string {
    const clientId = this.url(path);
    this.documents.set(path, {
      body: JSON.stringify({
        client_id: clientId,
        client_name: "Metadata document client",
        redirect_uris: ["http://127.0.0.1:4567/callback"],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
        ...fields,
      }),
    });
    return clientId;
  }

  async start(): Promise<void> {
    this.server = createServer({ cert: this.certificate.cert, key: this.certificate.key }, (req, res) => {
      this.fetches.push(req.url ?? "");
      this.accepts.push(req.headers.accept);
      const doc = this.documents.get(req.url ?? "");
      if (doc === undefined) {
        res.statusCode = 404;
        res.end();
        return;
      }
      const answer = () => {
        res.statusCode = doc.status ?? 200;
        if (doc.location) res.setHeader("location", doc.location);
        res.setHeader("content-type", "application/json");
        if (doc.cutShort) {
          // The connection drops halfway through the promised body.
          res.setHeader("content-length", doc.body.length * 2);
          res.write(doc.body, () => res.socket?.destroy());
          return;
        }
        res.end(doc.body);
      };
      if (doc.delayMs) setTimeout(answer, doc.delayMs).unref();
      else answer();
    });
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
