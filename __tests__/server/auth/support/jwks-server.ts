import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";

/** A JWKS endpoint on 127.0.0.1 that counts fetches and can be switched off, like a tenant's discovery keys. */
export class JwksServer {
  fetches = 0;
  /** An HTTP status to answer instead of the keys (e.g. 500), like a tenant endpoint having trouble. */
  failWith?: number;
  /** How long to wait before answering, like a slow endpoint. */
  delayMs = 0;
  private keys: JWK[];
  private server?: Server;
  private port = 0;

  constructor(keys: JWK[]) {
    this.keys = keys;
  }

  get uri(): string {
    return `http://127.0.0.1:${this.port}/discovery/v2.0/keys`;
  }

  setKeys(keys: JWK[]): void {
    this.keys = keys;
  }

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      this.fetches += 1;
      const answer = () => {
        if (this.failWith !== undefined) {
          res.statusCode = this.failWith;
          res.end("upstream error");
          return;
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ keys: this.keys }));
      };
      if (this.delayMs > 0) setTimeout(answer, this.delayMs).unref();
      else answer();
    });
    // Same port on restart so the configured AUTH_JWKS_URI stays valid.
    this.server.listen(this.port, "127.0.0.1");
    await once(this.server, "listening");
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Takes the endpoint down: connections are refused until start() is called again. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
