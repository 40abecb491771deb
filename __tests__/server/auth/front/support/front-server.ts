import { randomBytes } from "node:crypto";
import { createServer as createHttp, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { loadConfig } from "../../../../../server/config";
import { createApp, type CreateAppOptions } from "../../../../../server/create-app";
import { createLogger } from "../../../../../server/logger";
import { EntraStandIn } from "./entra-stand-in";

export const FRONT_TENANT = "11111111-2222-3333-4444-555555555555";
/** The API app registration, which is also the front's confidential client (the default). */
export const API_CLIENT_ID = "6b1f0c8e-3d2a-4f5b-9c7d-0a1b2c3d4e5f";
export const API_IDENTIFIER_URI = `api://${API_CLIENT_ID}`;
export const FRONT_SECRET = "front-client-secret-for-tests";

export interface FrontServer {
  /** MCP_PUBLIC_URL: the front's issuer. */
  readonly publicUrl: string;
  /** Where this replica listens (differs from publicUrl for a second replica). */
  readonly base: string;
  readonly logLines: () => Record<string, unknown>[];
  close(): Promise<void>;
}

/** The Entra stand-in with the API app registered (its secret, the scope, no redirect URI yet). */
export async function startEntra(): Promise<EntraStandIn> {
  const entra = new EntraStandIn(FRONT_TENANT, {
    clientId: API_CLIENT_ID,
    clientSecret: FRONT_SECRET,
    identifierUri: API_IDENTIFIER_URI,
    redirectUris: [],
    scope: "user_impersonation",
  });
  await entra.start();
  return entra;
}

export function frontKey(): string {
  return randomBytes(48).toString("base64");
}

/**
 * The real app (createApp(loadConfig(env))) with MCP_OAUTH_FRONT=on against the stand-in. It listens first,
 * so MCP_PUBLIC_URL can name its own port; a second replica passes the first one's `publicUrl`.
 */
export async function startFrontServer(
  entra: EntraStandIn,
  key: string,
  settings: { publicUrl?: string; env?: Record<string, string>; options?: CreateAppOptions } = {},
): Promise<FrontServer> {
  const http: Server = createHttp();
  http.listen(0, "127.0.0.1");
  await new Promise((resolve) => http.once("listening", resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const publicUrl = settings.publicUrl ?? base;
  const config = loadConfig({
    LOG_LEVEL: "info",
    AUTH_MODE: "entra",
    AZURE_TENANT_ID: FRONT_TENANT,
    MCP_AUDIENCE: `${API_CLIENT_ID},${API_IDENTIFIER_URI}`,
    AUTH_AUTHORITY: entra.authority,
    MCP_PUBLIC_URL: publicUrl,
    MCP_OAUTH_FRONT: "on",
    MCP_OAUTH_FRONT_KEY: key,
    MCP_OAUTH_FRONT_CLIENT_SECRET: FRONT_SECRET,
    ...settings.env,
  });
  const lines: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const app = createApp(config, undefined, {
    logger: createLogger(config.logLevel, capture),
    ...settings.options,
  });
  http.on("request", app);
  return {
    publicUrl,
    base,
    logLines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    close: async () => {
      await app.mcp.lifecycle.drain(0);
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
