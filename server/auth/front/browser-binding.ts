import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";

/**
 * Ties a sign-in to the browser that saw the consent page: a random nonce in an HttpOnly, SameSite=Lax
 * cookie, and the same nonce inside the sealed consent request and Entra `state`. A page elsewhere that
 * auto-submits the consent form, or replays someone else's Entra callback, arrives without the cookie.
 */
export function createBrowserBinding(issuer: string) {
  const secure = issuer.startsWith("https://");
  const name = secure ? "__Secure-mcp-front" : "mcp-front";
  const attributes = `Path=/oauth; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  return {
    /** Sets a fresh nonce cookie and returns the nonce. */
    bind(res: Response, maxAgeSeconds: number): string {
      const nonce = randomBytes(32).toString("base64url");
      res.append("Set-Cookie", `${name}=${nonce}; Max-Age=${maxAgeSeconds}; ${attributes}`);
      return nonce;
    },
    matches(req: Request, nonce: string): boolean {
      const sent = cookie(req, name);
      if (sent === undefined || sent.length !== nonce.length) return false;
      return timingSafeEqual(Buffer.from(sent), Buffer.from(nonce));
    },
    clear(res: Response): void {
      res.append("Set-Cookie", `${name}=; Max-Age=0; ${attributes}`);
    },
  };
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** The cookie that ties a sign-in to one browser: bind on the consent page, match and clear after. */
export type BrowserBinding = ReturnType<typeof createBrowserBinding>;
