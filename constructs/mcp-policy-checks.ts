import {
  Annotations,
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
import { IConstruct } from "constructs";
import { looksSecret } from "./private/secret-names";

// The same resolver cdktf uses when it writes the stack.
const TOKEN_RESOLVER = new DefaultTokenResolver(new StringConcat());
const EASY_AUTH_TYPE = "Microsoft.App/containerApps/authConfigs@";

/** Terraform JSON is loosely typed; these views cover the fields the checks read. */
type Json = Record<string, unknown>;
interface EnvEntry {
  name?: string;
  value?: unknown;
}

/**
 * Security checks in the spirit of cdk-nag, run over every resource of the stacks they are applied to
 * (`Aspects.of(stack).add(new McpPolicyChecks())`). They read the resource's synthesized configuration,
 * escape-hatch overrides included, and add error annotations, which make `cdktf synth` and `deploy` fail,
 * for: ACR admin user enabled, insecure ingress, wildcard CORS with credentials, plain secret values,
 * stateful sessions or legacy SSE on several replicas (no session affinity). They warn on `AUTH_MODE=none`
 * and on a container app without Easy Auth (`Microsoft.App/containerApps/authConfigs`) in its stack, unless it
 * serves the authorization front (`MCP_OAUTH_FRONT=on`), whose tokens Easy Auth cannot validate.
 */
export class McpPolicyChecks implements IAspect {
  /** Checks one construct; cdktf calls it for every construct of the stack at synth. */
  public visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const config = synthesizedConfig(node);
    if (node.terraformResourceType === "azurerm_container_registry") checkRegistry(node, config);
    if (node.terraformResourceType === "azurerm_container_app") checkContainerApp(node, config);
  }
}

/** The resource's configuration as it will be written, with tokens resolved to literals or `${...}` references. */
function synthesizedConfig(resource: TerraformResource): Json {
  const rendered = Tokenization.resolve(resource.toTerraform(), {
    scope: resource,
    resolver: TOKEN_RESOLVER,
  }) as {
    resource?: Record<string, Record<string, Json>>;
  };
  return rendered.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId] ?? {};
}

function checkRegistry(node: IConstruct, config: Json): void {
  if (config.admin_enabled === true) {
    Annotations.of(node).addError(
      "McpPolicyChecks: container registry admin_enabled must be false; grant AcrPull to an identity",
    );
  }
}

function checkContainerApp(node: TerraformResource, config: Json): void {
  const annotations = Annotations.of(node);
  const ingress = first(config.ingress);
  if (ingress?.allow_insecure_connections === true) {
    annotations.addError(
      "McpPolicyChecks: container app ingress allow_insecure_connections must be false (HTTPS only)",
    );
  }
  const cors = first(ingress?.cors);
  const origins = Array.isArray(cors?.allowed_origins) ? cors.allowed_origins : [];
  if (origins.includes("*") && cors?.allow_credentials_enabled === true) {
    annotations.addError(
      "McpPolicyChecks: container app CORS allows origin '*' with credentials; name the origins",
    );
  }
  for (const secret of asArray(config.secret)) {
    if (isLiteral(secret.value)) {
      annotations.addError(
        `McpPolicyChecks: container app secret '${String(secret.name)}' holds a plain value; use a Key Vault reference`,
      );
    }
  }
  const template = first(config.template);
  const containers = asArray(template?.container);
  const env = containers.flatMap((container) => asArray(container.env) as EnvEntry[]);
  for (const entry of env) {
    if (entry.name && looksSecret(entry.name) && isLiteral(entry.value)) {
      annotations.addError(
        `McpPolicyChecks: container app environment variable ${entry.name} holds a plain value; use a secretRef`,
      );
    }
  }
  const valueOf = (name: string): unknown => env.find((entry) => entry.name === name)?.value;
  // The MCP-specific checks below apply only to apps that run an MCP server; other apps in the stack are left alone.
  const isMcpServer = env.some((entry) => entry.name === "AUTH_MODE" || entry.name?.startsWith("MCP_"));
  if (!isMcpServer) return;
  const maxReplicas = template?.max_replicas;
  // max_replicas unset means the platform default of 10.
  const manyReplicas = maxReplicas === undefined || typeof maxReplicas !== "number" || maxReplicas > 1;
  if (manyReplicas && valueOf("MCP_SESSION_MODE") === "stateful") {
    annotations.addError(
      "McpPolicyChecks: MCP_SESSION_MODE=stateful with max_replicas > 1 and no session affinity; sessions would break",
    );
  }
  if (manyReplicas && valueOf("MCP_LEGACY_SSE") !== "false") {
    annotations.addError(
      "McpPolicyChecks: legacy SSE is on (MCP_LEGACY_SSE is not 'false') with max_replicas > 1 and no session affinity",
    );
  }
  // The server's AUTH_MODE defaults to none.
  if (valueOf("AUTH_MODE") === "none" || valueOf("AUTH_MODE") === undefined) {
    annotations.addWarning(
      "McpPolicyChecks: AUTH_MODE is none: anyone who reaches the URL can call the tools",
    );
  }
  // With the authorization front the server issues its own tokens, which Easy Auth would refuse: no Easy Auth
  // is the intended setup then.
  if (valueOf("MCP_OAUTH_FRONT") !== "on" && !hasEasyAuth(node)) {
    annotations.addWarning(
      "McpPolicyChecks: no Easy Auth (Microsoft.App/containerApps/authConfigs) for this container app; only the server checks tokens",
    );
  }
}

/** An authConfigs resource whose parent is this app (or, when it names no parent, any authConfigs resource). */
function hasEasyAuth(app: TerraformResource): boolean {
  const appReference = `azurerm_container_app.${app.friendlyUniqueId}.`;
  return TerraformStack.of(app)
    .node.findAll()
    .some((candidate) => {
      if (
        !TerraformResource.isTerraformResource(candidate) ||
        candidate.terraformResourceType !== "azapi_resource"
      ) {
        return false;
      }
      const config = synthesizedConfig(candidate);
      const parent = config.parent_id;
      return (
        String(config.type ?? "").startsWith(EASY_AUTH_TYPE) &&
        (parent === undefined || String(parent).includes(appReference))
      );
    });
}

/** A value written into the configuration, as opposed to a `${...}` reference resolved by Terraform. */
function isLiteral(value: unknown): boolean {
  return typeof value === "string" && value !== "" && !value.includes("${");
}

function asArray(value: unknown): Json[] {
  if (Array.isArray(value)) return value as Json[];
  return value && typeof value === "object" ? [value as Json] : [];
}

function first(value: unknown): Json | undefined {
  return asArray(value)[0];
}
