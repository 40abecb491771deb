import type { Response } from "express";
import type { Pending } from "./artefacts";

/** Headers of every page the front serves: never cached, framed or referred, forms only to `formTargets`. */
export const PAGE_HEADERS = (formTargets: string[]) => ({
  "Cache-Control": "no-store",
  "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${formTargets.join(" ")}; frame-ancestors 'none'`,
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
});

/** Sends the browser back to the client's redirect URI with `params`, its `state` and the front's `iss`. */
export function redirectToClient(
  res: Response,
  issuer: string,
  pending: Pick<Pending, "ruri" | "st">,
  params: Record<string, string>,
) {
  const url = new URL(pending.ruri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (pending.st !== undefined) url.searchParams.set("state", pending.st);
  url.searchParams.set("iss", issuer);
  res.redirect(302, url.href);
}

/** A plain-text page for a sign-in that cannot go back to the client (expired, or not this browser's). */
export const plainPage = (res: Response, status: number, message: string) =>
  res.status(status).set(PAGE_HEADERS([])).type("text/plain").send(message);
