export { parseAuthConfig, type AuthConfig, type EntraAuthConfig } from "./config";
export {
  callerOf,
  createAuthMiddleware,
  type AuthLogger,
  type AuthMiddleware,
  type AuthMiddlewareOptions,
  type ReadinessCheck,
} from "./middleware";
export {
  protectedResourceMetadataRouter,
  type ProtectedResourceMetadataOptions,
} from "./protected-resource-metadata";
export { CORS_EXPOSED_HEADERS } from "./cors";
export { ANONYMOUS_CALLER, type CallerIdentity } from "./types";
