import { Testing } from "cdktf";
import { KeyVaultSecretReference, McpContainerApp } from "../../constructs/mcp-container-app";
import { McpUpstreamProps } from "../../constructs/mcp-upstream";
import { ServerImage } from "../../constructs/server-image";
import { parseFrontConfig } from "../../server/front/config";
import { placement, referenceTo, resources, testEnvironment } from "./support/common";

const FRONT_IMAGE = "example.azurecr.io/mcp-server:1.2.3";
const UPSTREAM_IMAGE = "example.azurecr.io/fastmcp-weather:0.4.0";
const TOKEN_SECRET = "https://kv-test.vault.azure.net/secrets/weather-token";

interface Container {
  name: string;
  image: string;
  cpu: number;
  memory: string;
  env: { name: string; value?: string; secret_name?: string }[];
  liveness_probe: Record<string, unknown>[];
  readiness_probe: Record<string, unknown>[];
  startup_probe: Record<string, unknown>[];
}

function synth(
  upstream: McpUpstreamProps,
  extra: {
    targetPort?: number;
    cpu?: number;
    memory?: string;
    secrets?: Record<string, KeyVaultSecretReference>;
  } = {},
) {
  const json = Testing.synthScope((scope) => {
    new McpContainerApp(scope, "Server", {
      ...placement,
      environment: testEnvironment(scope),
      name: "ca-front",
      image: ServerImage.fromReference(FRONT_IMAGE),
      authMode: "entra",
      entraTenantId: "11111111-1111-1111-1111-111111111111",
      entraAudiences: ["api://mcp-test"],
      upstream,
      ...extra,
    });
  });
  const [app] = resources(json, "azurerm_container_app") as {
    template: { container: Container[] };
    ingress: { target_port: number };
    secret?: Record<string, unknown>[];
  }[];
  return { json, app, containers: app.template.container };
}

const envOf = (container: Container): Record<string, unknown> =>
  Object.fromEntries(container.env.map((e) => [e.name, e.value ?? { secretRef: e.secret_name }]));

const HTTP_UPSTREAM: McpUpstreamProps = {
  image: ServerImage.fromReference(UPSTREAM_IMAGE),
  port: 3001,
  environmentVariables: { WEATHER_UNITS: "metric" },
  secretEnvironmentVariables: { WEATHER_TOKEN: { keyVaultSecretId: TOKEN_SECRET } },
};

describe("McpContainerApp with an upstream", () => {
  it("runs an HTTP upstream as a second container on localhost, with ingress on the front", () => {
    const { app, containers } = synth(HTTP_UPSTREAM);
    expect(containers.map((c) => c.name)).toEqual(["mcp-server", "mcp-upstream"]);
    expect(app.ingress.target_port).toBe(8000);
    const [front, upstream] = containers;
    expect(front.image).toBe(FRONT_IMAGE);
    expect(envOf(front)).toMatchObject({
      MCP_UPSTREAM_URL: "http://localhost:3001/mcp",
      MCP_UPSTREAM_TIMEOUT_SECONDS: "60",
      AUTH_MODE: "entra",
    });
    expect(upstream).toMatchObject({ image: UPSTREAM_IMAGE, cpu: 0.5, memory: "1Gi" });
    expect(envOf(upstream)).toEqual({
      PORT: "3001",
      HOST: "127.0.0.1",
      WEATHER_UNITS: "metric",
      WEATHER_TOKEN: { secretRef: "upstream-weather-token" },
    });
    // The front's own settings and credentials stay out of the upstream's environment.
    expect(envOf(upstream)).not.toHaveProperty("AUTH_MODE");
    expect(app.secret).toContainEqual({
      name: "upstream-weather-token",
      key_vault_secret_id: TOKEN_SECRET,
      identity: referenceTo("azurerm_user_assigned_identity", "id"),
    });
  });

  it("probes the upstream over TCP on its port unless a path is given", () => {
    const { containers } = synth({
      ...HTTP_UPSTREAM,
      readinessProbe: { path: "/health", intervalSeconds: 7 },
    });
    const upstream = containers[1];
    expect(upstream.liveness_probe[0]).toMatchObject({ transport: "TCP", port: 3001 });
    expect(upstream.liveness_probe[0]).not.toHaveProperty("path");
    expect(upstream.startup_probe[0]).toMatchObject({
      transport: "TCP",
      port: 3001,
      failure_count_threshold: 20,
    });
    expect(upstream.readiness_probe[0]).toMatchObject({
      transport: "HTTP",
      port: 3001,
      path: "/health",
      interval_seconds: 7,
    });
  });

  it("gives a stdio upstream to the front as MCP_UPSTREAM_COMMAND, its variables carried by prefix", () => {
    const { containers } = synth({
      command: ["mcp-server-weather", "--stdio"],
      environmentVariables: { WEATHER_UNITS: "metric" },
      secretEnvironmentVariables: { WEATHER_TOKEN: { keyVaultSecretId: TOKEN_SECRET } },
      maxChildren: 8,
      idleSeconds: 120,
    });
    expect(containers).toHaveLength(1);
    const env = envOf(containers[0]);
    expect(env).toMatchObject({
      MCP_UPSTREAM_COMMAND: '["mcp-server-weather","--stdio"]',
      MCP_UPSTREAM_MAX_CHILDREN: "8",
      MCP_UPSTREAM_IDLE_SECONDS: "120",
      MCP_UPSTREAM_ENV_WEATHER_UNITS: "metric",
      MCP_UPSTREAM_ENV_WEATHER_TOKEN: { secretRef: "upstream-weather-token" },
    });
    // What the construct writes is what the server reads.
    const front = parseFrontConfig({
      ...(Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<
        string,
        string
      >),
      MCP_UPSTREAM_ENV_WEATHER_TOKEN: "resolved-by-azure",
    });
    expect(front).toMatchObject({
      kind: "stdio",
      command: "mcp-server-weather",
      args: ["--stdio"],
      maxChildren: 8,
      idleMs: 120_000,
      env: { WEATHER_UNITS: "metric", WEATHER_TOKEN: "resolved-by-azure" },
    });
  });

  it("writes an MCP_UPSTREAM_URL the server accepts", () => {
    const env = envOf(synth({ ...HTTP_UPSTREAM, path: "/v1/mcp" }).containers[0]);
    expect(parseFrontConfig({ MCP_UPSTREAM_URL: env.MCP_UPSTREAM_URL as string })).toMatchObject({
      kind: "http",
      url: "http://localhost:3001/v1/mcp",
    });
  });

  describe("fails when", () => {
    const image = ServerImage.fromReference(UPSTREAM_IMAGE);
    it.each([
      [
        { image, port: 8000 },
        {},
        /upstream.port must differ from targetPort, where the front listens \(both are 8000\)/,
      ],
      [{ image, port: 9000 }, { targetPort: 9000 }, /upstream.port must differ from targetPort/],
      [{ port: 3001 }, {}, /upstream.image is required with upstream.port/],
      [{ image, command: ["x"] }, {}, /upstream.image is not used with upstream.command/],
      [{ image }, {}, /upstream needs exactly one of port .* or command .* \(got neither\)/],
      [{ image, port: 3001, command: ["x"] }, {}, /upstream needs exactly one of port .*\(got both\)/],
      [{ image, port: 70000 }, {}, /upstream.port must be an integer from 1 to 65535 \(got 70000\)/],
      [{ command: [] }, {}, /upstream.command must be a non-empty list of non-empty strings \(got \[\]\)/],
      [{ image, port: 3001, path: "mcp" }, {}, /upstream.path must start with '\/' \(got 'mcp'\)/],
      [
        {
          image,
          port: 3001,
          secretEnvironmentVariables: {
            WEATHER_TOKEN: { value: "plain" } as unknown as KeyVaultSecretReference,
          },
        },
        {},
        /upstream.secretEnvironmentVariables.WEATHER_TOKEN must be a Key Vault reference \(\{ keyVaultSecretId \}\); plain secret values are refused/,
      ],
      [
        {
          image,
          port: 3001,
          secretEnvironmentVariables: { WEATHER_TOKEN: "plain" as unknown as KeyVaultSecretReference },
        },
        {},
        /upstream.secretEnvironmentVariables.WEATHER_TOKEN must be a Key Vault reference/,
      ],
      [
        { command: ["x"], environmentVariables: { GITHUB_TOKEN: "ghp_plain" } },
        {},
        /upstream.environmentVariables.GITHUB_TOKEN looks like a credential; pass it in upstream.secretEnvironmentVariables/,
      ],
      [
        { image, port: 3001, cpu: 0.5, memory: "2Gi" },
        {},
        /upstream.cpu and upstream.memory must be a Consumption pair.*\(got upstream.cpu=0.5, upstream.memory=2Gi\)/,
      ],
      [
        { image, port: 3001, cpu: 2, memory: "4Gi" },
        { cpu: 2.5, memory: "5Gi" },
        /cpu \+ upstream.cpu must be at most 4 vCPUs per app \(got 2.5 \+ 2\)/,
      ],
      [
        { command: ["x"], cpu: 1 },
        {},
        /upstream.cpu and upstream.memory apply to an upstream container \(port\)/,
      ],
      [
        { command: ["x"], maxChildren: 0 },
        {},
        /upstream.maxChildren must be an integer from 1 to 1000 \(got 0\)/,
      ],
      [
        { image, port: 3001, livenessProbe: { intervalSeconds: 0 } },
        {},
        /upstream.livenessProbe.intervalSeconds must be an integer from 1 to 240 \(got 0\)/,
      ],
      [
        { image: ServerImage.fromReference("example.azurecr.io/fastmcp:latest"), port: 3001 },
        {},
        /upstream.image reference must carry an explicit tag or digest other than 'latest'/,
      ],
      [
        {
          command: ["x"],
          secretEnvironmentVariables: { WEATHER_TOKEN: { keyVaultSecretId: TOKEN_SECRET } },
        },
        { secrets: { "upstream-weather-token": { keyVaultSecretId: TOKEN_SECRET } } },
        /secrets.upstream-weather-token: the name is taken by upstream.secretEnvironmentVariables; rename it/,
      ],
    ] as [McpUpstreamProps, Parameters<typeof synth>[1], RegExp][])("%j %j", (upstream, extra, message) => {
      expect(() => synth(upstream, extra)).toThrow(message);
      expect(() => synth(upstream, extra)).toThrow(/^McpContainerApp 'stack\/Server': /);
    });
  });
});
