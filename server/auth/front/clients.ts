import type { OAuthClientInformationFull } from "@modelcontextprotocol/server";
import {
  InvalidClientError,
  InvalidClientMetadataError,
  type OAuthRegisteredClientsStore,
} from "@modelcontextprotocol/server-legacy/auth";
import {
  ClientMetadataError,
  createClientMetadataFetcher,
  isClientMetadataUrl,
  type ClientMetadataFetchOptions,
} from "./client-metadata-document";
import type { Sealer } from "./sealed";

/**
 * Clients without a store. A dynamically registered client's id IS its registration, sealed (so every replica
 * reads it and nobody can alter it); a URL client id is a Client ID Metadata Document, fetched defensively.
 */
export function createClientsStore(
  sealer: Sealer,
  cimd: ClientMetadataFetchOptions,
): OAuthRegisteredClientsStore {
  const fetchClient = createClientMetadataFetcher(cimd);
  return {
    async getClient(clientId) {
      if (isClientMetadataUrl(clientId)) {
        try {
          return await fetchClient(clientId);
        } catch (error) {
          if (error instanceof ClientMetadataError) throw new InvalidClientError(error.message);
          throw error;
        }
      }
      const sealed = await sealer.open<{ reg: OAuthClientInformationFull }>("client", clientId);
      return sealed === undefined ? undefined : { ...sealed.reg, client_id: clientId };
    },
    async registerClient(client) {
      const method = client.token_endpoint_auth_method ?? "client_secret_post";
      if (method !== "none" && method !== "client_secret_post") {
        throw new InvalidClientMetadataError(
          `token_endpoint_auth_method '${method}' is not supported; use 'none' or 'client_secret_post'`,
        );
      }
      const registration = {
        ...client,
        token_endpoint_auth_method: method,
        client_id_issued_at: Math.floor(Date.now() / 1000),
      };
      const clientId = await sealer.seal("client", { reg: registration });
      return { ...registration, client_id: clientId };
    },
  };
}
