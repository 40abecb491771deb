import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import pino from "pino";
import type { AuthConfig } from "../../../../server/auth/config";
import {
  createAuthMiddleware,
  type AuthMiddleware,
  type AuthMiddlewareOptions,
} from "../../../../server/auth/middleware";
import { protectedResourceMetadataRouter } from "../../../../server/auth/protected-resource-metadata";

export interface TestApp {
  readonly url: string;
  readonly middleware: AuthMiddleware;
  /** Every log line the auth layer wrote. */
  readonly logLines: string[];
  close(): Promise<void>;
}

/**
 * A small express app shaped like the real server: PRM without auth, the auth middleware in front of
 * /mcp, /sse and /messages, and a protected handler that echoes what reached it.
 */
export async function startTestApp(
  auth: AuthConfig,
  options: Omit<AuthMiddlewareOptions, "logger"> & { resourceName?: string; legacySseEnabled?: boolean } = {},
): Promise<TestApp> {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(
        ...chunk
          .toString("utf8")
          .split("\n")
          .filter((l) => l !== ""),
      );
      done();
    },
  });
  const logger = pino({ level: "debug" }, sink);
  const app = express();
  app.use(
    protectedResourceMetadataRouter(auth, {
      publicUrl: options.publicUrl,
      resourceName: options.resourceName,
      legacySseEnabled: options.legacySseEnabled,
    }),
  );
  const middleware = createAuthMiddleware(auth, { ...options, logger });
  app.use(["/mcp", "/sse", "/messages"], middleware);
  app.all(["/mcp", "/sse", "/messages"], (req, res) => {
    res.json({
      caller: req.auth?.extra?.caller,
      token: req.auth?.token,
      clientId: req.auth?.clientId,
      scopes: req.auth?.scopes,
      expiresAt: req.auth?.expiresAt,
    });
  });
  const server: Server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    middleware,
    logLines,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
