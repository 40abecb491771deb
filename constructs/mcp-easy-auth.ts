import { Token } from "cdktf";
import { Construct } from "constructs";
import { AzapiJson, AzapiResource } from "./azapi/resource";
import { McpEntraApp } from "./mcp-entra-app";
import { checkGuid, checkOneOf } from "./private/checks";
import { ValidationError } from "./validation-error";
import { LIVENESS_PATH, MCP_PATH, PRM_PATH, READINESS_PATH } from "../server/contract";

/** The ARM type and API version of Container Apps built-in authentication. */
export const AUTH_CONFIG_TYPE = "Microsoft.App/containerApps/authConfigs@2025-01-01";

/**
 * What Easy Auth does with a request that carries no token:
 * - `AllowAnonymous`: passes it to the server, whose own 401 carries
 *   `WWW-Authenticate: Bearer resource_metadata="..."`, so MCP clients discover sign-in from the challenge.
 *   A presented token is still validated by Easy Auth (and again by the server).
 * - `Return401`: answers 401 itself, without `resource_metadata` (Easy Auth on Container Apps cannot add it,
 *   microsoft/azure-container-apps#1736); clients must then find the metadata at the well-known URIs, which
 *   stay open (`EASY_AUTH_EXCLUDED_PATHS`). Nothing unauthenticated reaches the server.
 */
export type EasyAuthUnauthenticatedAction = (typeof EASY_AUTH_UNAUTHENTICATED_ACTIONS)[number];
/** The `unauthenticatedClientAction` values (see `EasyAuthUnauthenticatedAction`). */
export const EASY_AUTH_UNAUTHENTICATED_ACTIONS = ["AllowAnonymous", "Return401"] as const;

/**
 * Paths Easy Auth lets through without a token in `Return401` mode: the probes, and the Protected Resource
 * Metadata an MCP client must read before it has a token.
 */
export const EASY_AUTH_EXCLUDED_PATHS: readonly string[] = [
  LIVENESS_PATH,
  READINESS_PATH,
  PRM_PATH,
  `${PRM_PATH}${MCP_PATH}`,
];

/** Props of `McpEasyAuth`. */
export interface McpEasyAuthProps {
  /** Resource id of the container app to protect. */
  readonly containerAppResourceId: string;
  /**
   * The server API registration whose tokens are accepted. Give this or `clientId`.
   * @default - use `clientId`
   */
  readonly entraApp?: McpEntraApp;
  /**
   * Client id of the server API registration, for a registration made elsewhere. Give this or `entraApp`.
   * @default - `entraApp.clientId`
   */
  readonly clientId?: string;
  /** Entra tenant (GUID) that issues the tokens. @default - the tenant of `entraApp`; required with `clientId` */
  readonly tenantId?: string;
  /**
   * Accepted `aud` values. v2 access tokens carry the client id; v1 tokens the identifier URI.
   * @default - `entraApp`'s identifier URI and client id, or `[clientId]`
   */
  readonly audiences?: string[];
  /** Only tokens issued to these client ids are accepted. @default - any client with a valid token */
  readonly allowedApplications?: string[];
  /** Paths to let through without a token, besides the health and metadata paths. @default [] */
  readonly additionalExcludedPaths?: string[];
  /**
   * `AllowAnonymous` lets requests without a token reach the server, whose 401 tells MCP clients where to
   * sign in; `Return401` stops them at Easy Auth, at the cost of that hint (see `EasyAuthUnauthenticatedAction`).
   * @default "AllowAnonymous"
   */
  readonly unauthenticatedClientAction?: EasyAuthUnauthenticatedAction;
}

const CONTAINER_APP_ID_PATTERN =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.App\/containerApps\/[^/]+$/i;

/**
 * Container Apps built-in authentication ("Easy Auth") in API mode: a presented Entra bearer token is
 * validated before the request reaches the server; requests without one pass through to the server's own
 * challenge by default (`unauthenticatedClientAction`). Validating bearer tokens needs no client secret, so
 * none is set.
 * The stack needs an `AzapiProvider`: azurerm has no resource for authConfigs.
 */
export class McpEasyAuth extends Construct {
  /** The `authConfigs` resource (`Resource`). */
  public readonly resource: AzapiResource;
  /** The v2 issuer Easy Auth trusts: `https://login.microsoftonline.com/<tenant>/v2.0`. */
  public readonly openIdIssuer: string;
  /** The token audiences Easy Auth accepts. */
  public readonly audiences: string[];
  /** The paths Easy Auth lets through without a token (health, metadata). */
  public readonly excludedPaths: string[];
  /** What Easy Auth does with a request without a token. */
  public readonly unauthenticatedClientAction: EasyAuthUnauthenticatedAction;

  constructor(scope: Construct, id: string, props: McpEasyAuthProps) {
    super(scope, id);
    if (props.entraApp && props.clientId !== undefined) {
      throw new ValidationError("give entraApp or clientId, not both (got both)", this);
    }
    if (!props.entraApp && props.clientId === undefined) {
      throw new ValidationError("entraApp or clientId is required (got neither)", this);
    }
    if (!props.entraApp && props.tenantId === undefined) {
      throw new ValidationError(
        "tenantId is required when clientId is given instead of entraApp (got none)",
        this,
      );
    }
    const clientId = props.entraApp?.clientId ?? props.clientId!;
    const tenantId = props.tenantId ?? props.entraApp!.servicePrincipal.applicationTenantId;
    this.audiences =
      props.audiences ?? (props.entraApp ? [props.entraApp.identifierUri, clientId] : [clientId]);
    this.excludedPaths = [...EASY_AUTH_EXCLUDED_PATHS, ...(props.additionalExcludedPaths ?? [])];
    this.unauthenticatedClientAction = props.unauthenticatedClientAction ?? "AllowAnonymous";
    this.validate(props, tenantId);
    this.openIdIssuer = `https://login.microsoftonline.com/${tenantId}/v2.0`;

    const validation: { [key: string]: AzapiJson } = { allowedAudiences: this.audiences };
    if (props.allowedApplications) {
      validation.defaultAuthorizationPolicy = { allowedApplications: props.allowedApplications };
    }
    this.resource = new AzapiResource(this, "Resource", {
      type: AUTH_CONFIG_TYPE,
      name: "current",
      parentId: props.containerAppResourceId,
      body: {
        properties: {
          platform: { enabled: true },
          globalValidation: {
            unauthenticatedClientAction: this.unauthenticatedClientAction,
            excludedPaths: this.excludedPaths,
          },
          httpSettings: { requireHttps: true },
          identityProviders: {
            azureActiveDirectory: {
              enabled: true,
              registration: { clientId, openIdIssuer: this.openIdIssuer },
              validation,
            },
          },
        },
      },
    });
  }

  private validate(props: McpEasyAuthProps, tenantId: string): void {
    const id = props.containerAppResourceId;
    if (!Token.isUnresolved(id) && !CONTAINER_APP_ID_PATTERN.test(id)) {
      throw new ValidationError(
        "containerAppResourceId must be a container app resource id, " +
          `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.App/containerApps/<name> (got "${id}")`,
        this,
      );
    }
    checkOneOf(
      this,
      "unauthenticatedClientAction",
      this.unauthenticatedClientAction,
      EASY_AUTH_UNAUTHENTICATED_ACTIONS,
      '"',
    );
    checkGuid(this, "tenantId", tenantId);
    checkGuid(this, "clientId", props.clientId);
    if (this.audiences.length === 0) throw new ValidationError("audiences must not be empty (got [])", this);
    this.audiences.forEach((audience, i) => {
      if (!Token.isUnresolved(audience) && audience.trim() === "")
        throw new ValidationError(`audiences[${i}] must not be empty`, this);
    });
    props.allowedApplications?.forEach((app, i) => checkGuid(this, `allowedApplications[${i}]`, app));
    props.additionalExcludedPaths?.forEach((path, i) => {
      if (!Token.isUnresolved(path) && !/^\/\S*$/.test(path)) {
        throw new ValidationError(
          `additionalExcludedPaths[${i}] must start with "/" and contain no spaces (got "${path}")`,
          this,
        );
      }
    });
  }
}
