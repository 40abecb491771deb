import { Testing } from "cdktf";
import { ApplicationInsightsStandardWebTest } from "@cdktf/provider-azurerm/lib/application-insights-standard-web-test";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { McpAvailabilityTest, McpAvailabilityTestProps } from "../../constructs/mcp-availability-test";
import { placement, referenceTo, resources } from "./support/common";
import { monitoredApp } from "./support/monitored-app";

function synthTest(props: Partial<McpAvailabilityTestProps> = {}): string {
  return Testing.synthScope((scope) => {
    const { environment, app } = monitoredApp(scope);
    const actionGroup = new MonitorActionGroup(scope, "Group", {
      name: "ag",
      resourceGroupName: "rg-test",
      shortName: "ag",
    });
    new McpAvailabilityTest(scope, "Availability", {
      ...placement,
      baseName: "mcp-test",
      applicationInsights: environment.applicationInsights!,
      url: app.url,
      actionGroup,
      ...props,
    });
  });
}

describe("McpAvailabilityTest", () => {
  it("requests /healthz of the app from three locations and expects 200 with a valid certificate", () => {
    const [test] = resources(synthTest(), "azurerm_application_insights_standard_web_test");
    expect(test).toMatchObject({
      name: "webtest-mcp-test-healthz",
      application_insights_id: referenceTo("azurerm_application_insights", "id"),
      geo_locations: ["emea-nl-ams-azr", "emea-gb-db3-azr", "emea-fr-pra-edge"],
      frequency: 300,
      validation_rules: { expected_status_code: 200, ssl_check_enabled: true },
    });
    expect((test.request as { url: string }).url).toMatch(
      /^https:\/\/ca-test\.\$\{azurerm_container_app_environment\.\w+\.default_domain\}\/healthz$/,
    );
  });

  it("starts probing only after what it depends on, and depends on nothing extra by default", () => {
    const synth = Testing.synthScope((scope) => {
      const { environment, app } = monitoredApp(scope);
      const actionGroup = new MonitorActionGroup(scope, "Group", {
        name: "ag",
        resourceGroupName: "rg-test",
        shortName: "ag",
      });
      new McpAvailabilityTest(scope, "Availability", {
        ...placement,
        baseName: "mcp-test",
        applicationInsights: environment.applicationInsights!,
        url: app.url,
        actionGroup,
        dependsOn: [actionGroup],
      });
    });
    const [test] = resources(synth, "azurerm_application_insights_standard_web_test");
    expect(test.depends_on).toEqual([expect.stringMatching(/^azurerm_monitor_action_group\.\w+$/)]);
    const [plain] = resources(synthTest(), "azurerm_application_insights_standard_web_test");
    expect(plain).not.toHaveProperty("depends_on");
  });

  it("alerts the action group when two locations fail", () => {
    const [alert] = resources(synthTest(), "azurerm_monitor_metric_alert");
    expect(alert).toMatchObject({
      application_insights_web_test_location_availability_criteria: {
        web_test_id: referenceTo("azurerm_application_insights_standard_web_test", "id"),
        component_id: referenceTo("azurerm_application_insights", "id"),
        failed_location_count: 2,
      },
      action: [{ action_group_id: referenceTo("azurerm_monitor_action_group", "id") }],
    });
  });

  it("takes other locations", () => {
    const locations = ["us-va-ash-azr", "us-ca-sjc-azr", "emea-nl-ams-azr", "apac-sg-sin-azr"];
    expect(synthTest({ geoLocations: locations })).toHaveResourceWithProperties(
      ApplicationInsightsStandardWebTest,
      {
        geo_locations: locations,
      },
    );
  });

  it("fails when fewer than three locations are given", () => {
    expect(() => synthTest({ geoLocations: ["emea-nl-ams-azr", "emea-gb-db3-azr"] })).toThrow(
      `McpAvailabilityTest 'stack/Availability': geoLocations must name at least 3 distinct test locations (got ["emea-nl-ams-azr","emea-gb-db3-azr"])`,
    );
  });

  it("fails when more locations must fail than there are", () => {
    expect(() => synthTest({ failedLocationCount: 4 })).toThrow(
      /failedLocationCount must be an integer from 1 to the number of geoLocations, 3 \(got 4\)/,
    );
  });

  it("fails when the url has a path", () => {
    expect(() => synthTest({ url: "https://mcp.example.com/mcp" })).toThrow(
      /url must be https:\/\/<host> without a path \(got 'https:\/\/mcp\.example\.com\/mcp'\)/,
    );
  });
});
