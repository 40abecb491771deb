import { createHash, randomBytes } from "node:crypto";
import type { RequestHandler } from "express";
import type { Pending } from "./artefacts";
import type { BrowserBinding } from "./browser-binding";
import { plainPage, redirectToClient } from "./browser-responses";
import type { FrontDeps } from "./provider-deps";

/**
 * POST /oauth/consent: the consent form's answer. Approved, from the browser that saw the page: on to Entra
 * with a fresh PKCE verifier sealed into `state`. Denied: back to the client with access_denied.
 */
export function createConsentHandler(deps: FrontDeps, binding: BrowserBinding): RequestHandler {
  const { config, sealer, entra } = deps;

  return async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const sealed = typeof body.request === "string" ? body.request : "";
    const pending = (await sealer.open<{ p: Pending }>("consent", sealed))?.p;
    if (pending === undefined) {
      plainPage(
        res,
        400,
        "This consent page has expired or is not valid. Start the sign-in again from your application.",
      );
      return;
    }
    if (!binding.matches(req, pending.nonce)) {
      plainPage(
        res,
        403,
        "This approval did not come from the browser that opened the consent page. Start the sign-in again.",
      );
      return;
    }
    if (body.approve === undefined) {
      binding.clear(res);
      redirectToClient(res, config.issuer, pending, {
        error: "access_denied",
        error_description: "the user denied access",
      });
      return;
    }
    const verifier = randomBytes(32).toString("base64url");
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const state = await sealer.seal("entra-state", { p: pending, ev: verifier }, config.consentSeconds);
    res.set("Cache-Control", "no-store").redirect(302, entra.authorizeUrl(state, challenge));
  };
}
