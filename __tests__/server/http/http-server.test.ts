import { AddressInfo } from "node:net";
import { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import express from "express";
import { createHttpServer } from "../../../server/http/http-server";

const TIMEOUTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/** Serves `listener` through createHttpServer; records each request's and response's prototype on arrival. */
async function serve(
  listener: RequestListener,
): Promise<{ server: Server; base: string; arrivals: object[][] }> {
  const server = createHttpServer(listener, TIMEOUTS);
  const arrivals: object[][] = [];
  // Runs before the app: what node built, before express's init layer touches it.
  server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    arrivals.push([Object.getPrototypeOf(req) as object, Object.getPrototypeOf(res) as object]);
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe("createHttpServer builds an express app's requests with express's prototypes in place", () => {
  it("hands express requests and responses that already have the app's prototypes, so its swap does nothing", async () => {
    const app = express();
    app.set("trust proxy", 1);
    app.post("/echo", express.json(), (req, res) => {
      res.status(201).json({
        got: req.body as unknown,
        header: req.get("x-mark"),
        ip: req.ip,
        apps: req.app === app && res.app === app,
      });
    });
    const { server, base, arrivals } = await serve(app);
    try {
      for (const mark of ["one", "two", "three"]) {
        const answer = await fetch(`${base}/echo`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-mark": mark, "x-forwarded-for": "203.0.113.9" },
          body: JSON.stringify({ mark }),
        });
        expect(answer.status).toBe(201);
        expect(await answer.json()).toEqual({ got: { mark }, header: mark, ip: "203.0.113.9", apps: true });
      }
      expect(arrivals).toHaveLength(3);
      for (const [request, response] of arrivals) {
        expect(request).toBe(app.request);
        expect(response).toBe(app.response);
      }
    } finally {
      await close(server);
    }
  });

  it("serves one app from a second server too, each request with the app's current prototypes", async () => {
    const app = express();
    app.get("/who", (req, res) => {
      res.send(
        `${req.app === app} ${Object.getPrototypeOf(req) === app.request} ${req instanceof IncomingMessage}`,
      );
    });
    const first = await serve(app);
    const second = await serve(app);
    try {
      for (const { base } of [first, second]) {
        expect(await (await fetch(`${base}/who`)).text()).toBe("true true true");
      }
      // The chain does not grow with each server, and each class keeps its own constructor.
      expect(Object.getPrototypeOf(app.request)).toBe(express.request);
      const [firstPrototype] = first.arrivals[0] as [{ constructor: unknown }];
      expect((app.request as { constructor: unknown }).constructor).not.toBe(firstPrototype.constructor);
    } finally {
      await close(first.server);
      await close(second.server);
    }
  });

  it("leaves a plain listener's requests as node builds them", async () => {
    const { server, base, arrivals } = await serve((req, res) => {
      res.end(`${req.method} ${req instanceof IncomingMessage} ${res instanceof ServerResponse}`);
    });
    try {
      expect(await (await fetch(`${base}/`)).text()).toBe("GET true true");
      expect(arrivals).toEqual([[IncomingMessage.prototype, ServerResponse.prototype]]);
    } finally {
      await close(server);
    }
  });

  it("keeps node's own classes under express's prototypes (instanceof, streams, timeouts)", async () => {
    const app = express();
    app.get("/kinds", (req, res) => {
      res.send(`${req instanceof IncomingMessage} ${res instanceof ServerResponse} ${typeof req.pipe}`);
    });
    const { server, base } = await serve(app);
    try {
      expect(await (await fetch(`${base}/kinds`)).text()).toBe("true true function");
      expect(server.headersTimeout).toBe(TIMEOUTS.headersTimeoutMs);
      expect(server.requestTimeout).toBe(TIMEOUTS.headersTimeoutMs + TIMEOUTS.requestTimeoutMs);
    } finally {
      await close(server);
    }
  });
});
