import type { AuthInfo } from "@modelcontextprotocol/server";

// The auth middleware puts the SDK's AuthInfo on `req.auth`; the SDK transports read it from there.
declare module "express-serve-static-core" {
  interface Request {
    auth?: AuthInfo;
  }
}
