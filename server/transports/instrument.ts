import { McpServer, RequestId, Transport } from "@modelcontextprotocol/server";
import { Lifecycle } from "../lifecycle";
import { tapTransport } from "./transport-tap";

/** A call still running after this long is switched to an SSE response, whose keepalives hold the connection. */
export const SLOW_CALL_SSE_AFTER_MS = 1000;

/**
 * The SDK's per-request transport (`PerRequestHTTPServerTransport`) in `auto` mode only opens an SSE stream
 * when the handler emits something before its result; until then nothing at all is written, and Azure's
 * ingress cuts a connection idle for 240 s. The transport has no public "upgrade now", so this reaches its
 * `upgradeToSse` (SDK pinned at an exact version; __tests__/server/slow-call.test.ts fails if it goes away).
 * Transports already streaming (2025-era SSE responses) or already answered are left alone.
 */
interface UpgradableTransport {
  upgradeToSse?: () => void;
  _sse?: unknown;
  _deferredResponse?: { settled: boolean };
}

function upgradeToSse(transport: Transport): void {
  const upgradable = transport as unknown as UpgradableTransport;
  if (typeof upgradable.upgradeToSse !== "function") return;
  if (upgradable._sse !== undefined || upgradable._deferredResponse?.settled !== false) return;
  upgradable.upgradeToSse();
}

/**
 * Starts a timer per request; a request still unanswered when it fires gets its response upgraded to SSE.
 * Only per-request transports can be upgraded: the others (2025-era SSE answers, the hot path's connections,
 * which upgrade slow calls themselves) are left unwrapped.
 */
function upgradeSlowCalls(transport: Transport, afterMs: number): void {
  if (typeof (transport as unknown as UpgradableTransport).upgradeToSse !== "function") return;
  const timers = new Map<RequestId, NodeJS.Timeout>();
  tapTransport(transport, {
    request: (id) => {
      const timer = setTimeout(() => {
        timers.delete(id);
        upgradeToSse(transport);
      }, afterMs);
      timer.unref();
      timers.set(id, timer);
    },
    answering: (id) => {
      clearTimeout(timers.get(id));
      timers.delete(id);
    },
    closing: () => {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  });
}

/** Tuning of the transport instrumentation. */
export interface InstrumentOptions {
  /** @default SLOW_CALL_SSE_AFTER_MS */
  readonly slowCallSseAfterMs?: number;
}

/**
 * Hooks every transport `server` gets connected to, whichever SDK entry connects it: requests in flight
 * are counted for draining (and answered with an error if the grace period ends first), and slow calls
 * become SSE responses with keepalives.
 */
export function instrumentServer(
  server: McpServer,
  lifecycle: Lifecycle,
  options: InstrumentOptions = {},
): McpServer {
  const connect = server.connect.bind(server);
  server.connect = async (transport: Transport) => {
    await connect(transport);
    upgradeSlowCalls(transport, options.slowCallSseAfterMs ?? SLOW_CALL_SSE_AFTER_MS);
    lifecycle.track(transport);
  };
  return server;
}
