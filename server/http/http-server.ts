import { createServer, IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import type { ServerConfig } from "../config";

/** How often Node checks headersTimeout and requestTimeout; its default (30 s) lets a dribbler live 40 s. */
const TIMEOUT_CHECK_MS = 1000;

/** An express app: the prototypes its init layer gives every request and response. */
interface PrototypedListener {
  readonly request: object;
  readonly response: object;
}

const hasPrototypes = (app: RequestListener): app is RequestListener & PrototypedListener =>
  typeof (app as Partial<PrototypedListener>).request === "object" &&
  typeof (app as Partial<PrototypedListener>).response === "object";

const isClass = (constructor: object): boolean =>
  /^class\b/.test(Function.prototype.toString.call(constructor));

/**
 * Node's IncomingMessage and ServerResponse are function constructors (Node 20 and 22), so they can run on an
 * object built with another prototype. Were they classes, only `Reflect.construct` could, and its objects
 * measured slower than express's swap: then express keeps doing the swap.
 */
const NODE_CONSTRUCTORS_ARE_FUNCTIONS = !isClass(IncomingMessage) && !isClass(ServerResponse);

/** A constructor node calls with `new` that runs `base` on an object with `prototype` already in place. */
function constructorWithPrototype<T extends typeof IncomingMessage | typeof ServerResponse>(
  base: T,
  prototype: object,
): T {
  const call = base as unknown as (this: object, first: unknown, second: unknown) => void;
  const built = function (this: object, first: unknown, second: unknown): void {
    call.call(this, first, second);
  };
  built.prototype = prototype;
  return built as unknown as T;
}

/**
 * The HTTP server in front of the app: headers must arrive within `headersTimeoutMs` (10 s), or Node answers
 * 408 and closes the connection. The body's limit (`requestTimeoutMs`, MCP_REQUEST_TIMEOUT_SECONDS) is the
 * app's (body-deadline.ts: 408 with a JSON-RPC error); Node's requestTimeout is only its backstop, set past
 * the latest the app's deadline can fire (headers, then the body), so on a busy machine Node's bodyless 408
 * does not win the race. Responses (SSE streams included) are not limited by either.
 *
 * An express app's requests and responses are built with express's prototypes already in place. Express
 * otherwise swaps the prototype of every request and response (`Object.setPrototypeOf` in its init layer),
 * which leaves node's HTTP objects slow for the rest of the request: that swap cost more CPU than the whole
 * router (docs/performance.md, "Issue 23, fourth round"). With the prototype already in place the swap does
 * nothing.
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
      ...(hasPrototypes(app) &&
        NODE_CONSTRUCTORS_ARE_FUNCTIONS && {
          IncomingMessage: constructorWithPrototype(IncomingMessage, app.request),
          ServerResponse: constructorWithPrototype(ServerResponse, app.response),
        }),
    },
    app,
  );
}
