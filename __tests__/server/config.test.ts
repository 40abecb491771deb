import { loadConfig } from "../../server/config";
import { ConfigError } from "../../server/config-error";

describe("loadConfig", () => {
  it("gives DESIGN.md's defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: "127.0.0.1",
      transport: "http",
      legacySseEnabled: true,
      sessionMode: "stateless",
      publicUrl: undefined,
      allowedHosts: ["localhost", "127.0.0.1", "[::1]"],
      allowedOrigins: [],
      sseHeartbeatMs: 25_000,
      maxConnections: 1000,
      maxBodyBytes: 1_048_576,
      shutdownGraceMs: 25_000,
      rateLimitPerMinute: 600,
      logLevel: "info",
      auth: { mode: "none", allowUnauthenticated: false },
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      PORT: "9000",
      HOST: "0.0.0.0",
      MCP_TRANSPORT: "stdio",
      MCP_LEGACY_SSE: "false",
      MCP_SESSION_MODE: "stateful",
      MCP_PUBLIC_URL: "https://mcp.example.com/",
      MCP_ALLOWED_ORIGINS: "https://app.example.com, https://other.example.com",
      MCP_SSE_HEARTBEAT_SECONDS: "10",
      MCP_MAX_CONNECTIONS: "5",
      MCP_MAX_BODY_BYTES: "4096",
      MCP_SHUTDOWN_GRACE_SECONDS: "3",
      MCP_RATE_LIMIT_PER_MINUTE: "0",
      LOG_LEVEL: "debug",
      APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=abc",
      LOG_ANALYTICS_WORKSPACE_ID: "11111111-2222-3333-4444-555555555555",
      AZURE_CLIENT_ID: "66666666-7777-8888-9999-000000000000",
      MCP_ALLOW_UNAUTHENTICATED: "true",
    });
    expect(config).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
      transport: "stdio",
      legacySseEnabled: false,
      sessionMode: "stateful",
      publicUrl: "https://mcp.example.com",
      allowedHosts: ["mcp.example.com", "localhost", "127.0.0.1", "[::1]"],
      allowedOrigins: ["https://mcp.example.com", "https://app.example.com", "https://other.example.com"],
      sseHeartbeatMs: 10_000,
      maxConnections: 5,
      maxBodyBytes: 4096,
      shutdownGraceMs: 3000,
      rateLimitPerMinute: 0,
      logLevel: "debug",
      applicationInsightsConnectionString: "InstrumentationKey=abc",
      logAnalyticsWorkspaceId: "11111111-2222-3333-4444-555555555555",
      azureClientId: "66666666-7777-8888-9999-000000000000",
      auth: { mode: "none", allowUnauthenticated: true },
    });
  });

  it("gives the per-caller and session limits their defaults: a tenth of the totals, at least 1", () => {
    expect(loadConfig({})).toMatchObject({
      maxConnectionsPerCaller: 100,
      maxToolCallsPerCaller: 100,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      authFailuresPerMinute: 60,
      maxSessions: 1000,
      maxSessionsPerCaller: 100,
      sessionIdleMs: 1_800_000,
    });
    expect(loadConfig({ MCP_MAX_CONNECTIONS: "5", MCP_MAX_SESSIONS: "7" })).toMatchObject({
      maxConnectionsPerCaller: 1,
      maxToolCallsPerCaller: 1,
      maxSessionsPerCaller: 1,
    });
    // Headers never get longer than the whole request.
    expect(loadConfig({ MCP_REQUEST_TIMEOUT_SECONDS: "4" })).toMatchObject({
      headersTimeoutMs: 4000,
      requestTimeoutMs: 4000,
    });
  });

  it("reads the per-caller and session limits", () => {
    expect(
      loadConfig({
        MCP_MAX_CONNECTIONS_PER_CALLER: "7",
        MCP_MAX_TOOL_CALLS_PER_CALLER: "3",
        MCP_REQUEST_TIMEOUT_SECONDS: "12",
        MCP_AUTH_FAILURES_PER_MINUTE: "0",
        MCP_MAX_SESSIONS: "50",
        MCP_MAX_SESSIONS_PER_CALLER: "4",
        MCP_SESSION_IDLE_SECONDS: "60",
      }),
    ).toMatchObject({
      maxConnectionsPerCaller: 7,
      maxToolCallsPerCaller: 3,
      requestTimeoutMs: 12_000,
      authFailuresPerMinute: 0,
      maxSessions: 50,
      maxSessionsPerCaller: 4,
      sessionIdleMs: 60_000,
    });
  });

  it("replaces the default host list when MCP_ALLOWED_HOSTS is set", () => {
    expect(loadConfig({ MCP_ALLOWED_HOSTS: "MCP.example.com:443,localhost" }).allowedHosts).toEqual([
      "mcp.example.com:443",
      "localhost",
    ]);
  });

  it.each([
    ["PORT", "80a", /PORT="80a" is not valid: expected a whole number from 0 to 65535/],
    ["PORT", "70000", /PORT="70000".*0 to 65535/],
    ["MCP_TRANSPORT", "websocket", /MCP_TRANSPORT="websocket".*'http', 'stdio'/],
    ["MCP_LEGACY_SSE", "yes", /MCP_LEGACY_SSE="yes".*'true', 'false'/],
    ["MCP_SESSION_MODE", "sticky", /MCP_SESSION_MODE="sticky".*'stateless', 'stateful'/],
    ["MCP_PUBLIC_URL", "mcp.example.com", /MCP_PUBLIC_URL="mcp.example.com".*http\(s\) base URL/],
    ["MCP_PUBLIC_URL", "https://mcp.example.com/mcp", /without a path/],
    ["MCP_ALLOWED_HOSTS", "good.example.com,bad host", /MCP_ALLOWED_HOSTS=.*'bad host' is not a host/],
    ["MCP_ALLOWED_ORIGINS", "app.example.com", /MCP_ALLOWED_ORIGINS=.*'app.example.com' is not an origin/],
    ["MCP_SSE_HEARTBEAT_SECONDS", "240", /MCP_SSE_HEARTBEAT_SECONDS="240".*1 to 239/],
    ["MCP_SSE_HEARTBEAT_SECONDS", "0", /1 to 239/],
    ["MCP_MAX_CONNECTIONS", "-1", /MCP_MAX_CONNECTIONS="-1"/],
    ["MCP_MAX_BODY_BYTES", "1.5", /MCP_MAX_BODY_BYTES="1.5"/],
    ["MCP_SHUTDOWN_GRACE_SECONDS", "ten", /MCP_SHUTDOWN_GRACE_SECONDS="ten"/],
    ["MCP_RATE_LIMIT_PER_MINUTE", "lots", /MCP_RATE_LIMIT_PER_MINUTE="lots"/],
    ["MCP_MAX_CONNECTIONS_PER_CALLER", "1001", /MCP_MAX_CONNECTIONS_PER_CALLER="1001".*1 to 1000/],
    ["MCP_MAX_CONNECTIONS_PER_CALLER", "0", /MCP_MAX_CONNECTIONS_PER_CALLER="0".*1 to 1000/],
    ["MCP_MAX_TOOL_CALLS_PER_CALLER", "0", /MCP_MAX_TOOL_CALLS_PER_CALLER="0".*1 to 1000000/],
    ["MCP_REQUEST_TIMEOUT_SECONDS", "0", /MCP_REQUEST_TIMEOUT_SECONDS="0".*1 to 3600/],
    ["MCP_AUTH_FAILURES_PER_MINUTE", "-5", /MCP_AUTH_FAILURES_PER_MINUTE="-5".*0 to 1000000/],
    ["MCP_MAX_SESSIONS", "none", /MCP_MAX_SESSIONS="none".*1 to 1000000/],
    ["MCP_MAX_SESSIONS_PER_CALLER", "1001", /MCP_MAX_SESSIONS_PER_CALLER="1001".*1 to 1000/],
    ["MCP_SESSION_IDLE_SECONDS", "5", /MCP_SESSION_IDLE_SECONDS="5".*10 to 86400/],
    [
      "LOG_LEVEL",
      "verbose",
      /LOG_LEVEL="verbose".*'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'/,
    ],
    ["LOG_ANALYTICS_WORKSPACE_ID", "my-workspace", /LOG_ANALYTICS_WORKSPACE_ID="my-workspace".*GUID/],
    ["AZURE_CLIENT_ID", "abc", /AZURE_CLIENT_ID="abc".*GUID/],
    ["AUTH_MODE", "magic", /AUTH_MODE="magic"/],
  ])("fails when %s=%s, naming the variable, the value and what is allowed", (variable, value, message) => {
    const load = (): unknown => loadConfig({ [variable]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});

describe("loadConfig: MCP_REQUEST_STATE_KEY", () => {
  const KEY = "k".repeat(31) + "!";

  it("reads the key as UTF-8 bytes and warns about nothing", () => {
    const config = loadConfig({ MCP_REQUEST_STATE_KEY: KEY });
    expect(Buffer.from(config.requestStateKey).toString("utf8")).toBe(KEY);
    expect(config.warnings).toEqual([]);
  });

  it("without it, uses a random key per process and warns that replicas need a shared one", () => {
    const first = loadConfig({});
    const second = loadConfig({});
    expect(first.requestStateKey.byteLength).toBe(32);
    expect(Buffer.from(first.requestStateKey).equals(Buffer.from(second.requestStateKey))).toBe(false);
    expect(first.warnings).toEqual([
      expect.stringMatching(/MCP_REQUEST_STATE_KEY is not set.*every replica/),
    ]);
  });

  it("fails when the key is shorter than 32 bytes, without printing it", () => {
    const short = "s3cr3t-but-far-too-short";
    const error = (() => {
      try {
        loadConfig({ MCP_REQUEST_STATE_KEY: short });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /^MCP_REQUEST_STATE_KEY="<redacted, 24 bytes>" is not valid: .*at least 32 bytes/,
    );
    expect(error.message).not.toContain(short);
  });
});
