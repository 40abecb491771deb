import { Annotations, Token } from "cdktf";
import { Construct } from "constructs";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { Application, ApplicationApi, ApplicationAppRole } from "@cdktf/provider-azuread/lib/application";
import { ApplicationFederatedIdentityCredential } from "@cdktf/provider-azuread/lib/application-federated-identity-credential";
import { ApplicationIdentifierUri } from "@cdktf/provider-azuread/lib/application-identifier-uri";
import { ApplicationPreAuthorized } from "@cdktf/provider-azuread/lib/application-pre-authorized";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { Grantee } from "./grantee";
import { granteeKey } from "./private/grantee-key";
import { stableUuid } from "./private/stable-ids";
import { checkGuid, checkOneOf } from "./private/checks";
import { ValidationError } from "./validation-error";

/** Visual Studio Code's first-party client id. */
export const VSCODE_CLIENT_ID = "aebc6443-996d-45c2-90f0-388ff96faa56";
/** Azure CLI's first-party client id. */
export const AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
/** The app role app-only callers need (`roles` claim); the server checks it (`MCP_REQUIRED_ROLES`). */
export const MCP_INVOKE_ROLE = "Mcp.Invoke";
/** The audience Entra expects in a managed identity's token used as a federated client assertion. */
export const FEDERATED_CREDENTIAL_AUDIENCE = "api://AzureADTokenExchange";
/** Entra's "default access" role: assigns a user or group to an app that has no role for them. */
const DEFAULT_ACCESS_ROLE_ID = "00000000-0000-0000-0000-000000000000";

/** Who is assigned to the server API when `appRoleAssignmentRequired` is on. */
export interface McpEntraAppAssignment {
  /** Object id of the user, group or service principal. */
  readonly principalObjectId: string;
  /**
   * `ServicePrincipal` gets the `Mcp.Invoke` app role (app-only tokens); `User` and `Group` get default
   * access (delegated tokens with the scope).
   */
  readonly principalType: McpEntraPrincipalType;
}

/** Props of `McpEntraApp`. */
export interface McpEntraAppProps {
  /** Display name of the server API registration, e.g. `mcp-prod-server`. */
  readonly displayName: string;
  /**
   * The API's identifier URI (Application ID URI), unique in the tenant: e.g. `api://mcp.contoso.com` or
   * `https://mcp.contoso.com` on a verified domain of the tenant. It is added after the registration exists.
   * @default - `api://<client id>`: unique per registration and accepted by tenants that enforce the
   * secure identifier URI policy
   */
  readonly identifierUri?: string;
  /** Value of the delegated scope. @default "user_impersonation" */
  readonly scopeName?: string;
  /** @default "Access <displayName>" */
  readonly scopeAdminConsentDisplayName?: string;
  /** @default "Allows the app to call <displayName> on behalf of the signed-in user." */
  readonly scopeAdminConsentDescription?: string;
  /** @default "Access <displayName>" */
  readonly scopeUserConsentDisplayName?: string;
  /** @default "Allows the app to call <displayName> on your behalf." */
  readonly scopeUserConsentDescription?: string;
  /**
   * Client ids allowed to request the scope without a consent prompt.
   * @default - Visual Studio Code and the Azure CLI
   */
  readonly preAuthorizedClientIds?: string[];
  /** Only assigned users, groups and apps get tokens for the API. @default false */
  readonly appRoleAssignmentRequired?: boolean;
  /**
   * Assignments to the API; the map key becomes the construct id (`Assignment-<key>`).
   * @default - none
   */
  readonly assignments?: Record<string, McpEntraAppAssignment>;
  /**
   * Also register a public client (no secret; authorization code + PKCE) that may call the API's scope;
   * it is pre-authorized on the API.
   * @default false
   */
  readonly publicClientEnabled?: boolean;
  /** Redirect URIs of the public client. @default ["http://localhost", "https://vscode.dev/redirect"] */
  readonly publicClientRedirectUris?: string[];
  /**
   * Object ids of the principals that own the registrations and service principals, e.g. a CI identity that
   * manages them with `Application.ReadWrite.OwnedBy`. Include whoever runs the deployment: it loses the
   * right to change them otherwise.
   * @default - the principal that runs the deployment becomes the only owner
   */
  readonly ownerObjectIds?: string[];
}

/** What the server's authorization front needs on the API registration, its confidential client at Entra. */
export interface McpEntraAppOauthFrontProps {
  /**
   * The front's callback on the server, registered on the web platform: `McpContainerApp.oauthFrontRedirectUri`,
   * `https://<host>/oauth/callback`. Entra redirects only to registered URIs, exactly.
   */
  readonly redirectUri: string;
  /**
   * The user-assigned identity the server runs as. It becomes a federated credential of the registration, so
   * the front authenticates to Entra with the identity's token and no client secret exists.
   */
  readonly identity: UserAssignedIdentity;
}

const SCOPE_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
const IDENTIFIER_URI_PATTERN = /^(api|https):\/\/[^\s*/]+(\/[^\s*]*)?$/;
const ASSIGNMENT_KEY_PATTERN = /^[A-Za-z0-9_-]+$/;
/** The kinds of principal an app role can be assigned to. */
export const MCP_ENTRA_PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal"] as const;
/** The kind of principal in an `assignments` entry. */
export type McpEntraPrincipalType = (typeof MCP_ENTRA_PRINCIPAL_TYPES)[number];
const FRONT_REDIRECT_PATTERN = /^(https:\/\/[^\s#]+|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/[^\s#]*)?)$/;
const PUBLIC_CLIENT_REDIRECT_PATTERN =
  /^(https:\/\/[^\s]+|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/[^\s]*)?)$/;

/**
 * The Entra ID registration of an MCP server API: identifier URI, delegated scope, app role for app-only
 * callers, v2 access tokens, pre-authorized clients, its service principal, and optionally a public client.
 */
export class McpEntraApp extends Construct {
  /** The server API registration (`Resource`). */
  public readonly resource: Application;
  /** The server API's service principal (`ServicePrincipal`), which assignments and consent name. */
  public readonly servicePrincipal: ServicePrincipal;
  /** Pre-authorized clients, keyed by client id (`public` for the public client). */
  public readonly preAuthorizations: Readonly<Record<string, ApplicationPreAuthorized>>;
  /** The app role assignments of `assignments`, keyed as given. */
  public readonly assignments: Readonly<Record<string, AppRoleAssignment>>;
  /** The public client, when `publicClientEnabled`. */
  public readonly publicClient?: Application;
  /** The public client's service principal, when `publicClientEnabled`. */
  public readonly publicClientServicePrincipal?: ServicePrincipal;

  /** Adds the identifier URI once the registration (and so its client id) exists (`IdentifierUri`). */
  public readonly identifierUriResource: ApplicationIdentifierUri;
  /**
   * The identifier URI, `api://<client id>` by default; a Terraform reference to `identifierUriResource`, so
   * whatever uses it (audiences, outputs) waits until the URI is on the registration.
   */
  public readonly identifierUri: string;
  /** Value of the delegated scope, e.g. `user_impersonation`. */
  public readonly scopeName: string;
  /** The full scope a client requests, e.g. `api://<client id>/user_impersonation`. */
  public readonly scope: string;
  /** GUID of the delegated scope. */
  public readonly scopeId: string;
  /** The managed identity trusted by `addOauthFront` (`OauthFrontCredential`); undefined until it is called. */
  public oauthFrontCredential?: ApplicationFederatedIdentityCredential;
  /** Value of the app role for app-only callers: `Mcp.Invoke`. */
  public readonly appRoleValue: string = MCP_INVOKE_ROLE;
  /** GUID of the `Mcp.Invoke` app role. */
  public readonly appRoleId: string;

  constructor(scope: Construct, id: string, props: McpEntraAppProps) {
    super(scope, id);
    const scopeName = props.scopeName ?? "user_impersonation";
    const preAuthorizedClientIds = props.preAuthorizedClientIds ?? [VSCODE_CLIENT_ID, AZURE_CLI_CLIENT_ID];
    const redirectUris = props.publicClientRedirectUris ?? [
      "http://localhost",
      "https://vscode.dev/redirect",
    ];
    const assignments = props.assignments ?? {};
    this.validate(props, scopeName, preAuthorizedClientIds, redirectUris, assignments);
    props.ownerObjectIds?.forEach((owner, i) => checkGuid(this, `ownerObjectIds[${i}]`, owner));

    this.scopeName = scopeName;
    // Seeds leave out the scope name on purpose: renaming the scope keeps its id, so grants survive.
    this.scopeId = stableUuid(`cdktf-azure-mcp:${this.node.path}:delegated-scope`);
    this.appRoleId = stableUuid(`cdktf-azure-mcp:${this.node.path}:invoke-role`);

    this.resource = new Application(this, "Resource", {
      displayName: props.displayName,
      owners: props.ownerObjectIds,
      signInAudience: "AzureADMyOrg",
      api: renderApi(props, this.scopeId, scopeName),
      appRole: [renderInvokeRole(props, this.appRoleId)],
      // The URI is managed by `IdentifierUri` (the provider's documented pairing); without this the
      // application would remove it again on every apply.
      lifecycle: { ignoreChanges: ["identifier_uris"] },
    });
    // A fixed URI (formerly api://<name>-<hash of the construct path>) is the same for everyone deploying
    // this code, and identifier URIs are unique per tenant: the second team's apply would fail.
    this.identifierUriResource = new ApplicationIdentifierUri(this, "IdentifierUri", {
      applicationId: this.resource.id,
      identifierUri: props.identifierUri ?? `api://${this.resource.clientId}`,
    });
    this.identifierUri = this.identifierUriResource.identifierUri;
    this.scope = `${this.identifierUri}/${scopeName}`;

    this.servicePrincipal = new ServicePrincipal(this, "ServicePrincipal", {
      clientId: this.resource.clientId,
      appRoleAssignmentRequired: props.appRoleAssignmentRequired ?? false,
      owners: props.ownerObjectIds,
    });

    const preAuthorizations: Record<string, ApplicationPreAuthorized> = {};
    for (const clientId of preAuthorizedClientIds) {
      preAuthorizations[clientId] = this.preAuthorize(`PreAuthorized-${clientId}`, clientId);
    }

    if (props.publicClientEnabled) {
      this.publicClient = new Application(this, "PublicClient", {
        displayName: `${props.displayName} (public client)`,
        owners: props.ownerObjectIds,
        signInAudience: "AzureADMyOrg",
        publicClient: { redirectUris },
        requiredResourceAccess: [
          { resourceAppId: this.resource.clientId, resourceAccess: [{ id: this.scopeId, type: "Scope" }] },
        ],
      });
      this.publicClientServicePrincipal = new ServicePrincipal(this, "PublicClientServicePrincipal", {
        clientId: this.publicClient.clientId,
        owners: props.ownerObjectIds,
      });
      preAuthorizations.public = this.preAuthorize("PreAuthorizedPublicClient", this.publicClient.clientId);
    }
    this.preAuthorizations = preAuthorizations;

    this.assignments = Object.fromEntries(
      Object.entries(assignments).map(([key, assignment]) => [
        key,
        new AppRoleAssignment(this, `Assignment-${key}`, {
          appRoleId:
            assignment.principalType === "ServicePrincipal" ? this.appRoleId : DEFAULT_ACCESS_ROLE_ID,
          principalObjectId: assignment.principalObjectId,
          resourceObjectId: this.servicePrincipal.objectId,
        }),
      ]),
    );
  }

  /** Client id (application id) of the server API. */
  public get clientId(): string {
    return this.resource.clientId;
  }

  /** Object id of the server API's service principal. */
  public get servicePrincipalObjectId(): string {
    return this.servicePrincipal.objectId;
  }

  /** Client id of the public client; undefined unless `publicClientEnabled`. */
  public get publicClientId(): string | undefined {
    return this.publicClient?.clientId;
  }

  /**
   * The server API registration.
   * @deprecated use `resource` (the same object).
   */
  public get application(): Application {
    return this.resource;
  }

  /**
   * Lets an identity (e.g. the deployment pipeline's managed identity) call the server app-only: assigns it
   * the `Mcp.Invoke` app role. The assignment's construct id is `Invoke-<grantee's path below the stack>`.
   */
  public grantInvoke(grantee: Grantee): AppRoleAssignment;
  /**
   * The former form, still accepted for one release.
   * @deprecated use `grantInvoke(grantee)` for an identity of this app, or
   * `grantInvokeToPrincipalId(id, principalObjectId)` for a raw object id (then `id` is required).
   * @default id - `Invoke-<principalObjectId>`
   */
  public grantInvoke(principalObjectId: string, id?: string): AppRoleAssignment;
  /** Both forms of `grantInvoke`: an identity, or (deprecated) a raw object id and an optional construct id. */
  public grantInvoke(grantee: Grantee | string, id?: string): AppRoleAssignment {
    if (typeof grantee !== "string") {
      return this.assignInvokeRole(
        `Invoke-${granteeKey(grantee)}`,
        "grantInvoke grantee.principalId",
        grantee.principalId,
      );
    }
    if (id === undefined && Token.isUnresolved(grantee)) {
      throw new ValidationError(
        "grantInvoke needs an id when principalObjectId is a reference (got an unresolved token); " +
          'pass the identity itself, grantInvoke(identity), or grantInvokeToPrincipalId("Pipeline", principalId)',
        this,
      );
    }
    const assignment = this.assignInvokeRole(
      id ?? `Invoke-${grantee}`,
      "grantInvoke principalObjectId",
      grantee,
    );
    Annotations.of(this).addWarning(
      "grantInvoke(principalObjectId, id) is deprecated: use grantInvoke(identity) or " +
        "grantInvokeToPrincipalId(id, principalObjectId); the old form will be removed in a later release",
    );
    return assignment;
  }

  /**
   * Lets a service principal known only by its object id (e.g. a CI identity from another stack) call the
   * server app-only: assigns it the `Mcp.Invoke` app role.
   * @param id construct id of the assignment: its Terraform address, so keep it stable
   * @param principalObjectId object id of the service principal or managed identity
   */
  public grantInvokeToPrincipalId(id: string, principalObjectId: string): AppRoleAssignment {
    return this.assignInvokeRole(id, "grantInvokeToPrincipalId principalObjectId", principalObjectId);
  }

  /**
   * Makes this registration the confidential client of the server's authorization front (`MCP_OAUTH_FRONT=on`,
   * `MCP_OAUTH_FRONT_CLIENT_ID` = `clientId`): registers the front's callback as a web redirect URI and trusts
   * the server's managed identity as a federated credential (issuer `https://login.microsoftonline.com/<tenant>/v2.0`,
   * subject its principal id, audience `api://AzureADTokenExchange`), so sign-in needs no client secret.
   */
  public addOauthFront(props: McpEntraAppOauthFrontProps): ApplicationFederatedIdentityCredential {
    if (this.oauthFrontCredential) {
      throw new ValidationError(
        "addOauthFront was called already; a registration serves one authorization front",
        this,
      );
    }
    const { redirectUri } = props;
    if (!Token.isUnresolved(redirectUri) && !FRONT_REDIRECT_PATTERN.test(redirectUri)) {
      throw new ValidationError(
        `addOauthFront redirectUri must be an https URL, or http://localhost / http://127.0.0.1 for a local ` +
          `server, without a fragment (got "${redirectUri}")`,
        this,
      );
    }
    this.resource.putWeb({ redirectUris: [redirectUri] });
    this.oauthFrontCredential = new ApplicationFederatedIdentityCredential(this, "OauthFrontCredential", {
      applicationId: this.resource.id,
      displayName: "mcp-oauth-front-managed-identity",
      description: "The MCP server's managed identity signs the authorization front in to Entra (no secret).",
      issuer: `https://login.microsoftonline.com/${this.servicePrincipal.applicationTenantId}/v2.0`,
      subject: props.identity.principalId,
      audiences: [FEDERATED_CREDENTIAL_AUDIENCE],
    });
    return this.oauthFrontCredential;
  }

  private assignInvokeRole(id: string, field: string, principalObjectId: string): AppRoleAssignment {
    checkGuid(this, field, principalObjectId);
    return new AppRoleAssignment(this, id, {
      appRoleId: this.appRoleId,
      principalObjectId,
      resourceObjectId: this.servicePrincipal.objectId,
    });
  }

  private preAuthorize(id: string, clientId: string): ApplicationPreAuthorized {
    return new ApplicationPreAuthorized(this, id, {
      applicationId: this.resource.id,
      authorizedClientId: clientId,
      permissionIds: [this.scopeId],
    });
  }

  private validate(
    props: McpEntraAppProps,
    scopeName: string,
    preAuthorizedClientIds: string[],
    redirectUris: string[],
    assignments: Record<string, McpEntraAppAssignment>,
  ): void {
    const { displayName, identifierUri } = props;
    if (!Token.isUnresolved(displayName) && (displayName.trim() === "" || displayName.length > 256)) {
      throw new ValidationError(`displayName must be 1-256 characters (got "${displayName}")`, this);
    }
    if (
      identifierUri !== undefined &&
      !Token.isUnresolved(identifierUri) &&
      !IDENTIFIER_URI_PATTERN.test(identifierUri)
    ) {
      throw new ValidationError(
        `identifierUri must be api://<host or id>[/path] or https://<verified domain>[/path], without spaces ` +
          `or wildcards (got "${identifierUri}"); omit it for api://<client id>`,
        this,
      );
    }
    if (!Token.isUnresolved(scopeName) && !SCOPE_NAME_PATTERN.test(scopeName)) {
      throw new ValidationError(`scopeName must match /^[A-Za-z0-9_.-]+$/ (got "${scopeName}")`, this);
    }
    preAuthorizedClientIds.forEach((clientId, i) =>
      checkGuid(this, `preAuthorizedClientIds[${i}]`, clientId),
    );
    if (new Set(preAuthorizedClientIds).size !== preAuthorizedClientIds.length) {
      throw new ValidationError(
        `preAuthorizedClientIds must not repeat a client id (got ${JSON.stringify(preAuthorizedClientIds)})`,
        this,
      );
    }
    redirectUris.forEach((uri, i) => {
      if (!Token.isUnresolved(uri) && !PUBLIC_CLIENT_REDIRECT_PATTERN.test(uri)) {
        throw new ValidationError(
          `publicClientRedirectUris[${i}] must be an https URL or http://localhost / http://127.0.0.1 (got "${uri}")`,
          this,
        );
      }
    });
    for (const [key, assignment] of Object.entries(assignments)) {
      if (!ASSIGNMENT_KEY_PATTERN.test(key)) {
        throw new ValidationError(
          `assignments key must match /^[A-Za-z0-9_-]+$/, it becomes a construct id (got "${key}")`,
          this,
        );
      }
      checkOneOf(
        this,
        `assignments.${key}.principalType`,
        assignment.principalType,
        MCP_ENTRA_PRINCIPAL_TYPES,
        '"',
      );
      checkGuid(this, `assignments.${key}.principalObjectId`, assignment.principalObjectId);
    }
  }
}

/** The server API: v2 tokens and the one delegated scope clients ask for. */
function renderApi(props: McpEntraAppProps, scopeId: string, scopeName: string): ApplicationApi {
  return {
    requestedAccessTokenVersion: 2,
    oauth2PermissionScope: [
      {
        id: scopeId,
        value: scopeName,
        type: "User",
        enabled: true,
        adminConsentDisplayName: props.scopeAdminConsentDisplayName ?? `Access ${props.displayName}`,
        adminConsentDescription:
          props.scopeAdminConsentDescription ??
          `Allows the app to call ${props.displayName} on behalf of the signed-in user.`,
        userConsentDisplayName: props.scopeUserConsentDisplayName ?? `Access ${props.displayName}`,
        userConsentDescription:
          props.scopeUserConsentDescription ?? `Allows the app to call ${props.displayName} on your behalf.`,
      },
    ],
  };
}

/** The `Mcp.Invoke` app role for app-only callers. */
function renderInvokeRole(props: McpEntraAppProps, appRoleId: string): ApplicationAppRole {
  return {
    id: appRoleId,
    value: MCP_INVOKE_ROLE,
    allowedMemberTypes: ["Application"],
    displayName: "Invoke the MCP server",
    description: `Lets an application call ${props.displayName} with an app-only token.`,
    enabled: true,
  };
}
