import { AddressInfo } from "node:net";
import { Server } from "node:http";
import express, { ErrorRequestHandler, RequestHandler } from "express";
import { inSequence } from "../../../server/http/in-sequence";

const mark =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.append("x-ran", name);
    next();
  };

describe("inSequence runs middleware as express would, as one layer", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    const failing: Record<string, RequestHandler> = {
      throws: () => {
        throw new Error("thrown");
      },
      rejects: async () => Promise.reject(new Error("rejected")),
      "passes an error": (_req, _res, next) => next(new Error("passed")),
    };
    for (const [path, handler] of Object.entries(failing)) {
      app.use(`/${path.replace(/ /g, "-")}`, inSequence([mark("a"), handler, mark("never")]));
    }
    app.use("/stops", inSequence([mark("a"), (_req, res) => void res.send("stopped"), mark("never")]));
    app.use("/continues", inSequence([mark("a"), mark("b")]));
    app.use("/continues", (_req, res) => void res.send("after the group"));
    const onError: ErrorRequestHandler = (err: Error, _req, res, _next) => {
      res.status(500).send(`error: ${err.message}`);
    };
    app.use(onError);
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("runs every handler in order, then what comes after the group", async () => {
    const response = await fetch(`${base}/continues`);
    expect(response.headers.get("x-ran")).toBe("a, b");
    expect(await response.text()).toBe("after the group");
  });

  it("stops where a handler answers without calling next", async () => {
    const response = await fetch(`${base}/stops`);
    expect(response.headers.get("x-ran")).toBe("a");
    expect(await response.text()).toBe("stopped");
  });

  it.each([
    ["throws", "thrown"],
    ["rejects", "rejected"],
    ["passes-an-error", "passed"],
  ])("skips to the error handlers when a handler %s", async (path, message) => {
    const response = await fetch(`${base}/${path}`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe(`error: ${message}`);
    expect(response.headers.get("x-ran")).toBe("a");
  });
});
