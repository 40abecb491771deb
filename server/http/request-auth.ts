import { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

// The auth middleware puts the SDK's AuthInfo on `req.auth`; the SDK transports read it from there.
declare module "express-serve-static-core" {
  interface Request {
    auth?: AuthInfo;
  }
}
