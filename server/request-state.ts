import { createRequestStateCodec, type ServerContext } from "@modelcontextprotocol/server";
import { callerOf } from "./auth/middleware";
import { ANONYMOUS_CALLER } from "./auth/types";

/** How long a minted `requestState` is accepted: a human approves within this. */
export const REQUEST_STATE_TTL_SECONDS = 600;

/**
 * A refused `requestState`: the message says which check failed and what to do, and never contains the
 * state, the payload or the caller binding.
 */
export class RequestStateError extends Error {
  constructor(
    /** Why the state was refused; the message tells the client what to do about it. */
    readonly reason: "malformed" | "mac" | "expired" | "bind" | "mismatch",
  ) {
    super(`requestState refused: ${REASONS[reason]}`);
    this.name = "RequestStateError";
  }
}

const REASONS: Record<RequestStateError["reason"], string> = {
  malformed: "it is not a value this server issued",
  mac: "it failed its integrity check (altered, or signed with another MCP_REQUEST_STATE_KEY)",
  expired: `it expired (valid for ${REQUEST_STATE_TTL_SECONDS} s); start again`,
  bind: "it was issued to another caller",
  mismatch: "it was issued for other arguments",
};

/**
 * Signs and verifies multi round-trip `requestState` (MCP 2026-07-28) under MCP_REQUEST_STATE_KEY, bound to
 * the caller (the auth layer's caller id) and expiring after REQUEST_STATE_TTL_SECONDS. The HMAC-SHA256,
 * the constant-time comparisons and the expiry are the SDK's `createRequestStateCodec`; this adds the
 * caller binding and errors a client can act on.
 */
export interface RequestStateSigner {
  /** The opaque `requestState` for `payload`, bound to the calling caller and expiring. */
  sign<T>(payload: T, ctx: ServerContext): Promise<string>;
  /** Resolves with the signed payload; rejects with RequestStateError. */
  verify<T>(state: string, ctx: ServerContext): Promise<T>;
}

/** The caller a state is bound to: the auth layer's caller id, or anonymous without authentication. */
function callerIdOf(ctx: ServerContext): string {
  return (callerOf(ctx.http?.authInfo) ?? ANONYMOUS_CALLER).id;
}

/**
 * A signer of multi round-trip `requestState` under `key`, bound to the caller and valid for
 * REQUEST_STATE_TTL_SECONDS.
 */
export function createRequestStateSigner(key: Uint8Array): RequestStateSigner {
  const codec = createRequestStateCodec<unknown>({
    key,
    ttlSeconds: REQUEST_STATE_TTL_SECONDS,
    bind: (ctx) => `caller\0${callerIdOf(ctx)}`,
  });
  return {
    sign: (payload, ctx) => codec.mint(payload, ctx),
    verify: async <T>(state: string, ctx: ServerContext): Promise<T> => {
      try {
        return (await codec.verify(state, ctx)) as T;
      } catch (error) {
        // The codec throws a fixed reason code as its message: 'malformed' | 'mac' | 'expired' | 'bind'.
        const code = error instanceof Error ? error.message : "";
        throw new RequestStateError(
          code === "mac" || code === "expired" || code === "bind" ? code : "malformed",
        );
      }
    },
  };
}
