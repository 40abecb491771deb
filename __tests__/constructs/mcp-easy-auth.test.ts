import { Testing } from "cdktf";
import { AzapiProvider } from "../../constructs/azapi/provider";
import { AzapiResource } from "../../constructs/azapi/resource";
import { McpEasyAuth, McpEasyAuthProps } from "../../constructs/mcp-easy-auth";
import { McpEntraApp } from "../../constructs/mcp-entra-app";
import schemaFixture from "./fixtures/authconfigs-2025-01-01.json";
import { ReducedSchema, schemaProblems } from "./support/schema-walk";
import { SynthJson, onlyResource, synthStack } from "./support/synth-json";

const schema = schemaFixture as ReducedSchema;
const APP_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/containerApps/mcp";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0b5a1c6e-8d55-4c3c-9c1e-2f3a4b5c6d7e";
const CALLER = "9f8e7d6c-5b4a-4321-8765-0fedcba98765";

function bodyOf(json: SynthJson): Record<string, unknown> {
  return onlyResource(json, "azapi_resource").body as Record<string, unknown>;
}

function withRawIds(props: Partial<McpEasyAuthProps> = {}): string {
  return Testing.synthScope((scope) => {
    new McpEasyAuth(scope, "Auth", {
      containerAppResourceId: APP_ID,
      clientId: CLIENT,
      tenantId: TENANT,
      ...props,
    });
  });
}

describe("McpEasyAuth", () => {
  it("configures authConfigs/current on the container app through azapi", () => {
    expect(withRawIds()).toHaveResourceWithProperties(AzapiResource, {
      type: "Microsoft.App/containerApps/authConfigs@2025-01-01",
      name: "current",
      parent_id: APP_ID,
    });
  });

  it("lets requests without a token through to the server's own challenge by default", () => {
    const body = bodyOf(JSON.parse(withRawIds()) as SynthJson);
    expect(body).toMatchObject({
      properties: {
        platform: { enabled: true },
        globalValidation: { unauthenticatedClientAction: "AllowAnonymous" },
      },
    });
  });

  it("returns 401 without a token when asked, except on the health and metadata paths", () => {
    const body = bodyOf(JSON.parse(withRawIds({ unauthenticatedClientAction: "Return401" })) as SynthJson);
    expect(body).toMatchObject({
      properties: {
        platform: { enabled: true },
        globalValidation: {
          unauthenticatedClientAction: "Return401",
          excludedPaths: [
            "/healthz",
            "/readyz",
            "/.well-known/oauth-protected-resource",
            "/.well-known/oauth-protected-resource/mcp",
          ],
        },
      },
    });
  });

  it("requires HTTPS for every request it authenticates", () => {
    const body = bodyOf(JSON.parse(withRawIds()) as SynthJson);
    expect(body).toMatchObject({ properties: { httpSettings: { requireHttps: true } } });
  });

  it("validates Entra bearer tokens for the client id against the tenant's v2 issuer, with no secret", () => {
    const body = bodyOf(JSON.parse(withRawIds()) as SynthJson);
    expect(body).toMatchObject({
      properties: {
        identityProviders: {
          azureActiveDirectory: {
            enabled: true,
            registration: {
              clientId: CLIENT,
              openIdIssuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
            },
            validation: { allowedAudiences: [CLIENT] },
          },
        },
      },
    });
    expect(JSON.stringify(body)).not.toMatch(/clientSecret/);
    expect(JSON.stringify(body)).not.toMatch(/defaultAuthorizationPolicy/);
  });

  it("takes client id, identifier URI and tenant from an McpEntraApp", () => {
    const json = synthStack((stack) => {
      const entraApp = new McpEntraApp(stack, "Api", { displayName: "MCP" });
      new McpEasyAuth(stack, "Auth", { containerAppResourceId: APP_ID, entraApp });
    });
    const aad = (bodyOf(json).properties as { identityProviders: { azureActiveDirectory: unknown } })
      .identityProviders.azureActiveDirectory;
    expect(aad).toMatchObject({
      registration: {
        clientId: expect.stringMatching(/^\$\{azuread_application\.Api_[A-F0-9]{8}\.client_id\}$/),
        openIdIssuer: expect.stringMatching(
          /^https:\/\/login\.microsoftonline\.com\/\$\{azuread_service_principal\.Api_ServicePrincipal_[A-F0-9]{8}\.application_tenant_id\}\/v2\.0$/,
        ),
      },
      validation: {
        allowedAudiences: [
          expect.stringMatching(
            /^\$\{azuread_application_identifier_uri\.Api_IdentifierUri_[A-F0-9]{8}\.identifier_uri\}$/,
          ),
          expect.stringMatching(/^\$\{azuread_application\.Api_[A-F0-9]{8}\.client_id\}$/),
        ],
      },
    });
  });

  it("restricts callers to the allowed applications when given", () => {
    const body = bodyOf(JSON.parse(withRawIds({ allowedApplications: [CALLER] })) as SynthJson);
    expect(body).toMatchObject({
      properties: {
        identityProviders: {
          azureActiveDirectory: {
            validation: { defaultAuthorizationPolicy: { allowedApplications: [CALLER] } },
          },
        },
      },
    });
  });

  it("adds extra excluded paths after the built-in ones", () => {
    const body = bodyOf(JSON.parse(withRawIds({ additionalExcludedPaths: ["/public"] })) as SynthJson);
    expect(body).toMatchObject({
      properties: { globalValidation: { excludedPaths: expect.arrayContaining(["/public"]) } },
    });
    expect(
      (body.properties as { globalValidation: { excludedPaths: string[] } }).globalValidation.excludedPaths,
    ).toHaveLength(5);
  });

  it("synthesizes with an azapi provider next to it", () => {
    const json = synthStack((stack) => {
      new AzapiProvider(stack, "azapi");
      new McpEasyAuth(stack, "Auth", { containerAppResourceId: APP_ID, clientId: CLIENT, tenantId: TENANT });
    });
    expect(json.terraform.required_providers.azapi.source).toBe("azure/azapi");
  });

  describe("body against the published ARM schema (fixture)", () => {
    it("uses only property names, types and enum values that AuthConfigs 2025-01-01 defines", () => {
      const everything = withRawIds({
        allowedApplications: [CALLER],
        additionalExcludedPaths: ["/public"],
        unauthenticatedClientAction: "Return401",
      });
      expect(schemaProblems(schema, bodyOf(JSON.parse(everything) as SynthJson))).toEqual([]);
      const fromEntraApp = synthStack((stack) => {
        const entraApp = new McpEntraApp(stack, "Api", { displayName: "MCP" });
        new McpEasyAuth(stack, "Auth", { containerAppResourceId: APP_ID, entraApp });
      });
      expect(schemaProblems(schema, bodyOf(fromEntraApp))).toEqual([]);
    });

    it("catches a misspelled key, a wrong type and a value outside the enum", () => {
      const problems = schemaProblems(schema, {
        properties: {
          globalValidation: { unauthenticatedClientActions: "Return401", excludedPaths: "/healthz" },
          platform: { enabled: "true" },
          identityProviders: { azureActiveDirectory: { registration: { openIdIssuer: "x", clientID: "y" } } },
        },
      });
      expect(problems).toEqual([
        "body.properties.globalValidation.unauthenticatedClientActions: not a property of the schema",
        "body.properties.globalValidation.excludedPaths: expected an array",
        "body.properties.platform.enabled: expected a boolean",
        "body.properties.identityProviders.azureActiveDirectory.registration.clientID: not a property of the schema",
      ]);
      expect(
        schemaProblems(schema, { properties: { globalValidation: { unauthenticatedClientAction: "Deny" } } }),
      ).toEqual([
        'body.properties.globalValidation.unauthenticatedClientAction: "Deny" is not one of RedirectToLoginPage, AllowAnonymous, Return401, Return403',
      ]);
    });
  });

  it("fails when both entraApp and clientId are given", () => {
    expect(() =>
      synthStack((stack) => {
        const entraApp = new McpEntraApp(stack, "Api", { displayName: "MCP" });
        new McpEasyAuth(stack, "Auth", { containerAppResourceId: APP_ID, entraApp, clientId: CLIENT });
      }),
    ).toThrow("McpEasyAuth 'test/Auth': give entraApp or clientId, not both (got both)");
  });

  it("fails when neither entraApp nor clientId is given", () => {
    expect(() =>
      Testing.synthScope(
        (scope) => new McpEasyAuth(scope, "Auth", { containerAppResourceId: APP_ID, tenantId: TENANT }),
      ),
    ).toThrow(/entraApp or clientId is required/);
  });

  it("fails when clientId comes without tenantId", () => {
    expect(() =>
      Testing.synthScope(
        (scope) => new McpEasyAuth(scope, "Auth", { containerAppResourceId: APP_ID, clientId: CLIENT }),
      ),
    ).toThrow(/tenantId is required when clientId is given/);
  });

  it("fails when tenantId is not a GUID", () => {
    expect(() => withRawIds({ tenantId: "contoso.onmicrosoft.com" })).toThrow(
      /tenantId must be a GUID \(got "contoso.onmicrosoft.com"\)/,
    );
  });

  it("fails when clientId is not a GUID", () => {
    expect(() => withRawIds({ clientId: "api://mcp" })).toThrow(
      /clientId must be a GUID \(got "api:\/\/mcp"\)/,
    );
  });

  it("fails when containerAppResourceId is not a container app id", () => {
    expect(() => withRawIds({ containerAppResourceId: "/subscriptions/s/resourceGroups/rg" })).toThrow(
      /containerAppResourceId must be a container app resource id.*\(got "\/subscriptions\/s\/resourceGroups\/rg"\)/,
    );
  });

  it("fails when audiences is empty", () => {
    expect(() => withRawIds({ audiences: [] })).toThrow(/audiences must not be empty/);
  });

  it("fails when an audience is blank", () => {
    expect(() => withRawIds({ audiences: [CLIENT, " "] })).toThrow(/audiences\[1\] must not be empty/);
  });

  it("fails when unauthenticatedClientAction is not AllowAnonymous or Return401", () => {
    expect(() => withRawIds({ unauthenticatedClientAction: "RedirectToLoginPage" as "Return401" })).toThrow(
      `McpEasyAuth 'stack/Auth': unauthenticatedClientAction must be one of AllowAnonymous, Return401 (got "RedirectToLoginPage")`,
    );
  });

  it("fails when an allowed application is not a GUID", () => {
    expect(() => withRawIds({ allowedApplications: ["vscode"] })).toThrow(
      /allowedApplications\[0\] must be a GUID \(got "vscode"\)/,
    );
  });

  it("fails when an extra excluded path does not start with a slash", () => {
    expect(() => withRawIds({ additionalExcludedPaths: ["public"] })).toThrow(
      /additionalExcludedPaths\[0\] must start with "\/" .*\(got "public"\)/,
    );
  });
});
