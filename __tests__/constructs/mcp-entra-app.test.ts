import { Testing, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AppRoleAssignment } from "@cdktf/provider-azuread/lib/app-role-assignment";
import { Application } from "@cdktf/provider-azuread/lib/application";
import { ApplicationIdentifierUri } from "@cdktf/provider-azuread/lib/application-identifier-uri";
import { ApplicationPreAuthorized } from "@cdktf/provider-azuread/lib/application-pre-authorized";
import { ServicePrincipal } from "@cdktf/provider-azuread/lib/service-principal";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { McpEntraApp, McpEntraAppProps } from "../../constructs/mcp-entra-app";
import { GUID_PATTERN } from "../../constructs/private/stable-ids";
import { resources } from "./support/common";
import { SynthJson, synthStack } from "./support/synth-json";

const VSCODE = "aebc6443-996d-45c2-90f0-388ff96faa56";
const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const GROUP = "11111111-2222-3333-4444-555555555555";
const PIPELINE_SP = "66666666-7777-8888-9999-000000000000";

function build(props: Partial<McpEntraAppProps> = {}): { app?: McpEntraApp; synthesized: string } {
  let app: McpEntraApp | undefined;
  const synthesized = Testing.synthScope((scope) => {
    app = new McpEntraApp(scope, "Api", { displayName: "MCP Prod Server", ...props });
  });
  return { app, synthesized };
}

function entraApp(props: Partial<McpEntraAppProps> = {}): McpEntraApp {
  return build(props).app!;
}

describe("McpEntraApp", () => {
  it("registers the API with identifier URI, v2 tokens, the delegated scope and the Mcp.Invoke app role", () => {
    const { app, synthesized } = build();
    expect(synthesized).toHaveResourceWithProperties(Application, {
      display_name: "MCP Prod Server",
      sign_in_audience: "AzureADMyOrg",
      api: {
        requested_access_token_version: 2,
        oauth2_permission_scope: [
          {
            id: app!.scopeId,
            value: "user_impersonation",
            type: "User",
            enabled: true,
            admin_consent_display_name: "Access MCP Prod Server",
            admin_consent_description:
              "Allows the app to call MCP Prod Server on behalf of the signed-in user.",
            user_consent_display_name: "Access MCP Prod Server",
            user_consent_description: "Allows the app to call MCP Prod Server on your behalf.",
          },
        ],
      },
      app_role: [
        expect.objectContaining({
          id: app!.appRoleId,
          value: "Mcp.Invoke",
          allowed_member_types: ["Application"],
          enabled: true,
        }),
      ],
    });
  });

  it("adds the identifier URI api://<client id> after the registration exists; the application leaves it alone", () => {
    const { synthesized } = build();
    const uri = resources(synthesized, "azuread_application_identifier_uri");
    expect(uri).toEqual([
      {
        application_id: expect.stringMatching(/^\$\{azuread_application\.Api_[A-F0-9]{8}\.id\}$/),
        identifier_uri: expect.stringMatching(
          /^api:\/\/\$\{azuread_application\.Api_[A-F0-9]{8}\.client_id\}$/,
        ),
      },
    ]);
    const [application] = resources(synthesized, "azuread_application");
    expect(application).not.toHaveProperty("identifier_uris");
    expect(application.lifecycle).toEqual({ ignore_changes: ["identifier_uris"] });
  });

  it("hands out the identifier URI and scope as references to the URI resource, so users wait for it", () => {
    const json = synthStack((stack) => {
      const app = new McpEntraApp(stack, "Api", { displayName: "MCP" });
      new TerraformOutput(stack, "uri", { value: app.identifierUri });
      new TerraformOutput(stack, "scope", { value: app.scope });
    });
    const reference =
      /\$\{azuread_application_identifier_uri\.Api_IdentifierUri_[A-F0-9]{8}\.identifier_uri\}/;
    expect(json.output?.uri.value).toMatch(new RegExp(`^${reference.source}$`));
    expect(json.output?.scope.value).toMatch(new RegExp(`^${reference.source}/user_impersonation$`));
  });

  it("gives two teams deploying the same code different identifier URIs (no fixed name in the URI)", () => {
    const [uri] = resources(build().synthesized, "azuread_application_identifier_uri");
    expect(String(uri.identifier_uri)).not.toMatch(/mcp|prod|server/i);
    expect(String(uri.identifier_uri)).toContain(".client_id}");
  });

  it("uses a given identifier URI, e.g. on a verified domain", () => {
    const { synthesized } = build({ identifierUri: "https://mcp.contoso.com" });
    expect(synthesized).toHaveResourceWithProperties(ApplicationIdentifierUri, {
      identifier_uri: "https://mcp.contoso.com",
    });
  });

  it("exposes the full scope, the role value and GUID ids", () => {
    const app = entraApp({ scopeName: "mcp.call" });
    expect(app.scope).toBe(`${app.identifierUri}/mcp.call`);
    expect(app.scopeName).toBe("mcp.call");
    expect(app.appRoleValue).toBe("Mcp.Invoke");
    expect(app.scopeId).toMatch(GUID_PATTERN);
    expect(app.appRoleId).toMatch(GUID_PATTERN);
    expect(app.scopeId).not.toBe(app.appRoleId);
  });

  it("derives the same ids from the same construct path and different ids from another", () => {
    const first = entraApp();
    const again = entraApp();
    expect([again.scopeId, again.appRoleId]).toEqual([first.scopeId, first.appRoleId]);
    let other: McpEntraApp | undefined;
    Testing.synthScope((scope) => {
      other = new McpEntraApp(scope, "OtherApi", { displayName: "MCP Prod Server" });
    });
    expect(other!.scopeId).not.toBe(first.scopeId);
  });

  it("keeps the scope id when the scope is renamed, so existing grants survive", () => {
    expect(entraApp({ scopeName: "renamed" }).scopeId).toBe(entraApp().scopeId);
  });

  it("creates the service principal, assignment not required by default", () => {
    const { synthesized } = build();
    expect(synthesized).toHaveResourceWithProperties(ServicePrincipal, {
      client_id: expect.stringMatching(/^\$\{azuread_application\.Api_[A-F0-9]{8}\.client_id\}$/),
      app_role_assignment_required: false,
    });
  });

  it("pre-authorizes VS Code and the Azure CLI for the scope by default", () => {
    const { app, synthesized } = build();
    for (const client of [VSCODE, AZURE_CLI]) {
      expect(synthesized).toHaveResourceWithProperties(ApplicationPreAuthorized, {
        application_id: expect.stringMatching(/^\$\{azuread_application\.Api_[A-F0-9]{8}\.id\}$/),
        authorized_client_id: client,
        permission_ids: [app!.scopeId],
      });
    }
    expect(Object.keys(app!.preAuthorizations)).toEqual([VSCODE, AZURE_CLI]);
  });

  it("pre-authorizes exactly the clients given", () => {
    const { synthesized } = build({ preAuthorizedClientIds: [PIPELINE_SP] });
    const json = JSON.parse(synthesized) as SynthJson;
    const clients = Object.values(json.resource.azuread_application_pre_authorized).map(
      (r) => r.authorized_client_id,
    );
    expect(clients).toEqual([PIPELINE_SP]);
  });

  it("requires assignment when asked and assigns groups default access, apps Mcp.Invoke", () => {
    const { app, synthesized } = build({
      appRoleAssignmentRequired: true,
      assignments: {
        Engineers: { principalObjectId: GROUP, principalType: "Group" },
        Agent: { principalObjectId: PIPELINE_SP, principalType: "ServicePrincipal" },
      },
    });
    const servicePrincipalObjectId = expect.stringMatching(
      /^\$\{azuread_service_principal\.Api_ServicePrincipal_[A-Z0-9]+\.object_id\}$/,
    );
    expect(synthesized).toHaveResourceWithProperties(ServicePrincipal, {
      app_role_assignment_required: true,
    });
    expect(synthesized).toHaveResourceWithProperties(AppRoleAssignment, {
      app_role_id: "00000000-0000-0000-0000-000000000000",
      principal_object_id: GROUP,
      resource_object_id: servicePrincipalObjectId,
    });
    expect(synthesized).toHaveResourceWithProperties(AppRoleAssignment, {
      app_role_id: app!.appRoleId,
      principal_object_id: PIPELINE_SP,
      resource_object_id: servicePrincipalObjectId,
    });
    expect(Object.keys(app!.assignments)).toEqual(["Engineers", "Agent"]);
  });

  it("grantInvoke assigns Mcp.Invoke to an identity, keyed by its path; grantInvokeToPrincipalId to a raw object id under the given id", () => {
    let app: McpEntraApp | undefined;
    const json = synthStack((stack: TerraformStack) => {
      app = new McpEntraApp(stack, "Api", { displayName: "MCP Prod Server" });
      const pipeline = new UserAssignedIdentity(stack, "Pipeline", {
        name: "id",
        location: "x",
        resourceGroupName: "rg",
      });
      app.grantInvoke(pipeline);
      app.grantInvokeToPrincipalId("Deployer", PIPELINE_SP);
    });
    expect(app!.node.children.map((child) => child.node.id)).toEqual(
      expect.arrayContaining(["Invoke-Pipeline", "Deployer"]),
    );
    expect(app!.node.metadata.filter((entry) => String(entry.data).includes("deprecated"))).toEqual([]);
    const byAddress = json.resource.azuread_app_role_assignment;
    const principalAt = (fragment: string) =>
      Object.entries(byAddress).find(([address]) => address.includes(fragment))?.[1].principal_object_id;
    expect(principalAt("Invoke-Pipeline")).toBe("${azurerm_user_assigned_identity.Pipeline.principal_id}");
    expect(principalAt("Deployer")).toBe(PIPELINE_SP);
    const assignments = Object.values(byAddress);
    const roleIds = new Set(assignments.map((a) => a.app_role_id));
    expect(roleIds.size).toBe(1);
    expect([...roleIds][0]).toMatch(GUID_PATTERN);
  });

  it("creates no public client unless asked", () => {
    const { app, synthesized } = build();
    expect(app!.publicClient).toBeUndefined();
    expect(Object.keys((JSON.parse(synthesized) as SynthJson).resource.azuread_application)).toHaveLength(1);
  });

  it("registers a PKCE public client that may request the scope and is pre-authorized", () => {
    const { app, synthesized } = build({ publicClientEnabled: true });
    expect(synthesized).toHaveResourceWithProperties(Application, {
      display_name: "MCP Prod Server (public client)",
      public_client: { redirect_uris: ["http://localhost", "https://vscode.dev/redirect"] },
      required_resource_access: [
        {
          resource_app_id: expect.stringMatching(/^\$\{azuread_application\.Api_[A-F0-9]{8}\.client_id\}$/),
          resource_access: [{ id: app!.scopeId, type: "Scope" }],
        },
      ],
    });
    expect(synthesized).toHaveResourceWithProperties(ApplicationPreAuthorized, {
      authorized_client_id: expect.stringMatching(
        /^\$\{azuread_application\.Api_PublicClient_[A-Z0-9]+\.client_id\}$/,
      ),
      permission_ids: [app!.scopeId],
    });
  });

  it("exposes the public client id as a reference to the public client", () => {
    const json = synthStack((stack) => {
      const app = new McpEntraApp(stack, "Api", { displayName: "MCP", publicClientEnabled: true });
      new TerraformOutput(stack, "public_client_id", { value: app.publicClientId });
    });
    expect(json.output?.public_client_id.value).toMatch(
      /^\$\{azuread_application\.Api_PublicClient_[A-F0-9]{8}\.client_id\}$/,
    );
  });

  it("fails when scopeName has characters a scope cannot have", () => {
    expect(() => entraApp({ scopeName: "bad scope" })).toThrow(
      `McpEntraApp 'stack/Api': scopeName must match /^[A-Za-z0-9_.-]+$/ (got "bad scope")`,
    );
  });

  it.each(["mcp-server", "http://mcp.contoso.com", "api://mcp/*", "api://my api"])(
    "fails when identifierUri is %s",
    (identifierUri) => {
      expect(() => entraApp({ identifierUri })).toThrow(
        `McpEntraApp 'stack/Api': identifierUri must be api://<host or id>[/path] or https://<verified domain>[/path], ` +
          `without spaces or wildcards (got "${identifierUri}"); omit it for api://<client id>`,
      );
    },
  );

  it("fails when displayName is empty", () => {
    expect(() => entraApp({ displayName: " " })).toThrow(/displayName must be 1-256 characters/);
  });

  it("fails when a pre-authorized client id is not a GUID", () => {
    expect(() => entraApp({ preAuthorizedClientIds: [VSCODE, "vscode"] })).toThrow(
      /preAuthorizedClientIds\[1\] must be a GUID \(got "vscode"\)/,
    );
  });

  it("fails when a pre-authorized client id repeats", () => {
    expect(() => entraApp({ preAuthorizedClientIds: [VSCODE, VSCODE] })).toThrow(
      /preAuthorizedClientIds must not repeat/,
    );
  });

  it("fails when a public client redirect URI is plain http off localhost", () => {
    expect(() =>
      entraApp({
        publicClientEnabled: true,
        publicClientRedirectUris: ["http://localhost", "http://evil.example"],
      }),
    ).toThrow(/publicClientRedirectUris\[1\] must be an https URL .*\(got "http:\/\/evil.example"\)/);
  });

  it("sets the given owners on every registration and service principal, none by default", () => {
    const owners = [PIPELINE_SP, GROUP];
    const { synthesized } = build({ ownerObjectIds: owners, publicClientEnabled: true });
    const config = JSON.parse(synthesized) as {
      resource: Record<string, Record<string, { owners?: string[] }>>;
    };
    const owned = [
      ...Object.values(config.resource.azuread_application),
      ...Object.values(config.resource.azuread_service_principal),
    ];
    expect(owned).toHaveLength(4);
    for (const resource of owned) expect(resource.owners).toEqual(owners);
    expect(build().synthesized).not.toContain('"owners"');
  });

  it("fails when an owner object id is not a GUID", () => {
    expect(() => entraApp({ ownerObjectIds: [PIPELINE_SP, "me"] })).toThrow(
      /ownerObjectIds\[1\] must be a GUID \(got "me"\)/,
    );
  });

  it("fails when an assignment principal is not a GUID", () => {
    expect(() =>
      entraApp({ assignments: { Ops: { principalObjectId: "ops", principalType: "Group" } } }),
    ).toThrow(/assignments\.Ops\.principalObjectId must be a GUID \(got "ops"\)/);
  });

  it("fails when an assignment principal type is unknown", () => {
    const assignment = { principalObjectId: GROUP, principalType: "Device" } as unknown as {
      principalObjectId: string;
      principalType: "Group";
    };
    expect(() => entraApp({ assignments: { Ops: assignment } })).toThrow(
      /assignments\.Ops\.principalType must be one of User, Group, ServicePrincipal \(got "Device"\)/,
    );
  });

  it("fails when an assignment key cannot be a construct id", () => {
    expect(() =>
      entraApp({ assignments: { "a/b": { principalObjectId: GROUP, principalType: "User" } } }),
    ).toThrow(/assignments key must match .*\(got "a\/b"\)/);
  });

  it("fails when grantInvokeToPrincipalId gets a principal that is not a GUID", () => {
    expect(() => entraApp().grantInvokeToPrincipalId("Pipeline", "pipeline")).toThrow(
      /grantInvokeToPrincipalId principalObjectId must be a GUID \(got "pipeline"\)/,
    );
  });

  it("fails when grantInvoke gets an identity whose principal id is not a GUID", () => {
    const app = entraApp();
    const grantee = Object.assign(new Construct(app, "Odd"), { principalId: "odd" });
    expect(() => app.grantInvoke(grantee)).toThrow(
      /grantInvoke grantee.principalId must be a GUID \(got "odd"\)/,
    );
  });

  describe("the deprecated forms, kept for one release", () => {
    it("resource and application are the same registration (construct id Resource)", () => {
      const app = entraApp();
      expect(app.resource.node.id).toBe("Resource");
      expect(app.application).toBe(app.resource);
    });

    it("grantInvoke(principalObjectId, id?) still assigns under the construct ids it always used", () => {
      let app: McpEntraApp | undefined;
      const json = synthStack((stack: TerraformStack) => {
        app = new McpEntraApp(stack, "Api", { displayName: "MCP" });
        const pipeline = new UserAssignedIdentity(stack, "Pipeline", {
          name: "id",
          location: "x",
          resourceGroupName: "rg",
        });
        app.grantInvoke(PIPELINE_SP);
        app.grantInvoke(pipeline.principalId, "Pipeline");
      });
      expect(app!.node.children.map((child) => child.node.id)).toEqual(
        expect.arrayContaining([`Invoke-${PIPELINE_SP}`, "Pipeline"]),
      );
      expect(app!.node.metadata.map((entry) => String(entry.data))).toContain(
        "grantInvoke(principalObjectId, id) is deprecated: use grantInvoke(identity) or " +
          "grantInvokeToPrincipalId(id, principalObjectId); the old form will be removed in a later release",
      );
      expect(
        Object.values(json.resource.azuread_app_role_assignment).map((a) => a.principal_object_id),
      ).toEqual([PIPELINE_SP, "${azurerm_user_assigned_identity.Pipeline.principal_id}"]);
    });

    it("fails when grantInvoke gets a reference without an id", () => {
      expect(() =>
        synthStack((stack) => {
          const app = new McpEntraApp(stack, "Api", { displayName: "MCP" });
          const identity = new UserAssignedIdentity(stack, "Id", {
            name: "id",
            location: "x",
            resourceGroupName: "rg",
          });
          app.grantInvoke(identity.principalId);
        }),
      ).toThrow(/grantInvoke needs an id when principalObjectId is a reference/);
    });

    it("fails when grantInvoke gets a principal that is not a GUID", () => {
      expect(() => entraApp().grantInvoke("pipeline")).toThrow(
        /grantInvoke principalObjectId must be a GUID/,
      );
    });
  });
});
