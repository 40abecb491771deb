import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { CallerIdentity } from "../types";
import type { CodeClaims, Pending } from "./artefacts";
import type { BrowserBinding } from "./browser-binding";
import { plainPage, redirectToClient } from "./browser-responses";
import { EntraTokenError } from "./entra-client";
import { callerFrom } from "./entra-caller";
import type { FrontDeps } from "./provider-deps";

/**
 * GET /oauth/callback: Entra's answer. In the browser that started the sign-in, Entra's code is redeemed with
 * the sealed PKCE verifier, the caller checked as the server checks any Entra token, and the client gets the
 * front's own sealed code; every refusal goes back to the client as access_denied.
 */
export function createCallbackHandler(deps: FrontDeps, binding: BrowserBinding): RequestHandler {
  const { config, sealer, entra } = deps;

  return async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const opened = await sealer.open<{ p: Pending; ev: string }>(
      "entra-state",
      typeof query.state === "string" ? query.state : "",
    );
    if (opened === undefined) {
      plainPage(res, 400, "This sign-in has expired or is not valid. Start it again from your application.");
      return;
    }
    const { p: pending, ev: verifier } = opened;
    if (!binding.matches(req, pending.nonce)) {
      plainPage(
        res,
        403,
        "This sign-in did not start in this browser. Start it again from your application.",
      );
      return;
    }
    binding.clear(res);
    if (typeof query.error === "string" || typeof query.code !== "string") {
      const reason = typeof query.error === "string" ? query.error : "no code";
      redirectToClient(res, config.issuer, pending, {
        error: "access_denied",
        error_description: `Entra ID sign-in failed: ${reason}`,
      });
      return;
    }
    let caller: CallerIdentity;
    let ert: string | undefined;
    try {
      const tokens = await entra.redeem({
        grant: "authorization_code",
        code: query.code,
        codeVerifier: verifier,
      });
      caller = await callerFrom(deps.verifyEntraToken, tokens.accessToken);
      ert = tokens.refreshToken;
    } catch (error) {
      if (!(error instanceof EntraTokenError)) throw error;
      deps.logger?.warn({ err: error.message }, "oauth front: Entra sign-in refused");
      redirectToClient(res, config.issuer, pending, {
        error: "access_denied",
        error_description: "Entra ID did not grant access",
      });
      return;
    }
    const code: Omit<CodeClaims, "exp"> = {
      cid: pending.cid,
      ruri: pending.ruri,
      cch: pending.cch,
      res: pending.res,
      scp: pending.scp,
      caller,
      ...(ert === undefined ? {} : { ert }),
      jti: randomUUID(),
    };
    redirectToClient(res, config.issuer, pending, {
      code: await sealer.seal("code", { ...code }, config.codeSeconds),
    });
  };
}
