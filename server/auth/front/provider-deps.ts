import type { OAuthRegisteredClientsStore } from "@modelcontextprotocol/server-legacy/auth";
import type { AuthLogger } from "../middleware";
import type { EntraVerdict } from "../entra-verifier";
import type { OAuthFrontConfig } from "./config";
import type { EntraClient } from "./entra-client";
import type { Sealer } from "./sealed";

/** What the front's OAuth provider is built from. */
export interface FrontDeps {
  /** The front's settings: issuer, lifetimes, Entra endpoints. */
  readonly config: OAuthFrontConfig;
  /** Seals and opens every artefact the front hands out (nothing is stored). */
  readonly sealer: Sealer;
  /** Registered (DCR) and CIMD clients. */
  readonly clientsStore: OAuthRegisteredClientsStore;
  /** The front's confidential client at Entra: the authorize URL and the token redemption. */
  readonly entra: EntraClient;
  /** The server's own Entra token check (signature, issuer, audience, scope). */
  readonly verifyEntraToken: (token: string) => Promise<EntraVerdict>;
  /** Where replays and Entra refusals are reported; none in tests that do not look. */
  readonly logger?: AuthLogger;
}
