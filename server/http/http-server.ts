import { createServer, IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { ServerConfig } from "../config";

/** How often Node checks headersTimeout and requestTimeout; its default (30 s) lets a dribbler live 40 s. */
const TIMEOUT_CHECK_MS = 1000;

/** An express app: the prototypes its init layer gives every request and response. */
interface PrototypedListener {
  request: object;
  response: object;
}

const hasPrototypes = (app: RequestListener): app is RequestListener & PrototypedListener =>
  typeof (app as Partial<PrototypedListener>).request === "object" &&
  typeof (app as Partial<PrototypedListener>).response === "object";

/**
 * A subclass of node's `base` whose prototype takes the place of `prototype` (the app's `request` or
 * `response`): the same chain (its own properties, then express's methods, then node's), so express's
 * swap to it does nothing. A class, not a function calling node's constructor on an object of its own: V8
 * sizes a class's objects from the whole constructor chain, while a function's objects ran out of fast
 * properties (a response went to dictionary mode: 2.4 KB of property store on each idle stream, and slower).
 */
function subclassInPlaceOf<T extends typeof IncomingMessage | typeof ServerResponse>(
  base: T,
  prototype: object,
): T {
  const subclass = class extends (base as typeof IncomingMessage) {};
  Object.setPrototypeOf(subclass.prototype, Object.getPrototypeOf(prototype) as object);
  // The app's own properties (express's `app`), never another class's `constructor` (a second server of the
  // same app subclasses the first one's prototype).
  const { constructor: _constructor, ...own } = Object.getOwnPropertyDescriptors(prototype);
  Object.defineProperties(subclass.prototype, own);
  return subclass as unknown as T;
}

/**
 * The HTTP server in front of the app: headers must arrive within `headersTimeoutMs` (10 s), or Node answers
 * 408 and closes the connection. The body's limit (`requestTimeoutMs`, MCP_REQUEST_TIMEOUT_SECONDS) is the
 * app's (body-deadline.ts: 408 with a JSON-RPC error); Node's requestTimeout is only its backstop, set past
 * the latest the app's deadline can fire (headers, then the body), so on a busy machine Node's bodyless 408
 * does not win the race. Responses (SSE streams included) are not limited by either.
 *
 * An express app's requests and responses are built with express's prototypes already in place: the app's
 * `request` and `response` are replaced by the prototypes of two subclasses of node's classes (the same
 * chain), which node is given to build them with. Express otherwise swaps the prototype of every request and
 * response (`Object.setPrototypeOf` in its init layer), which leaves node's HTTP objects slow for the rest of
 * the request: that swap cost more CPU than the whole router (docs/performance.md, "Issue 23, fourth
 * round"). With the prototype already in place the swap does nothing.
 */
export function createHttpServer(
  app: RequestListener,
  config: Pick<ServerConfig, "headersTimeoutMs" | "requestTimeoutMs">,
): Server {
  return createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.headersTimeoutMs + config.requestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
      ...(hasPrototypes(app) && expressClasses(app)),
    },
    app,
  );
}

/**
 * Request and response classes of node's whose prototypes become the app's `request` and `response`, so
 * express finds every request and response already built with them.
 */
function expressClasses(app: PrototypedListener): {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
} {
  const request = subclassInPlaceOf(IncomingMessage, app.request);
  const response = subclassInPlaceOf(ServerResponse, app.response);
  app.request = request.prototype;
  app.response = response.prototype;
  return { IncomingMessage: request, ServerResponse: response };
}
