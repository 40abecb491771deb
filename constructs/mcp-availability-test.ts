import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { ApplicationInsights } from "@cdktf/provider-azurerm/lib/application-insights";
import { ApplicationInsightsStandardWebTest } from "@cdktf/provider-azurerm/lib/application-insights-standard-web-test";
import { MonitorActionGroup } from "@cdktf/provider-azurerm/lib/monitor-action-group";
import { MonitorMetricAlert } from "@cdktf/provider-azurerm/lib/monitor-metric-alert";
import { requiredRenamedProp } from "./private/renamed-prop";
import { ValidationError } from "./validation-error";
import { LIVENESS_PATH } from "../server/contract";

/** Props of `McpAvailabilityTest`. */
export interface McpAvailabilityTestProps {
  /** Resource group of the web test and its alert. */
  readonly resourceGroupName: string;
  /** Azure region of the test resource (the Application Insights region). */
  readonly location: string;
  /**
   * Base of the derived names: the test is `webtest-<baseName>-healthz`, its alert
   * `alert-<baseName>-availability`. Required (optional in the type only while the deprecated `name` is
   * accepted).
   * @default - none; required
   */
  readonly baseName?: string;
  /**
   * The former name of `baseName`, still accepted for one release (a synth warning names the new one).
   * @deprecated use `baseName`; giving both with different values is an error.
   * @default - none
   */
  readonly name?: string;
  /** The Application Insights resource the test reports to. */
  readonly applicationInsights: ApplicationInsights;
  /** The service's base URL, `https://<fqdn>`; the test requests `<url>/healthz` and expects 200. */
  readonly url: string;
  /** Where the alert goes. */
  readonly actionGroup: MonitorActionGroup;
  /**
   * Application Insights test locations (their ids, e.g. `emea-nl-ams-azr`); at least 3.
   * @default - West Europe, North Europe and France Central
   */
  readonly geoLocations?: readonly string[];
  /**
   * Alert when this many locations fail at once.
   * @default 2
   */
  readonly failedLocationCount?: number;
  /** @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * What must exist before the test starts probing `url`, e.g. `McpCustomDomain.binding` when `url` is a
   * custom host, whose TLS check fails until its certificate is bound.
   * @default - nothing beyond the resources the props refer to
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** West Europe, North Europe and France Central: the three locations a test runs from by default. */
export const DEFAULT_TEST_LOCATIONS = ["emea-nl-ams-azr", "emea-gb-db3-azr", "emea-fr-pra-edge"];

/**
 * An Application Insights standard web test on `/healthz` every 5 minutes from several locations, and an
 * alert when `failedLocationCount` of them fail. It needs a public endpoint (not an internal environment).
 */
export class McpAvailabilityTest extends Construct {
  /** The standard web test (`Resource`). */
  public readonly resource: ApplicationInsightsStandardWebTest;
  /** The alert when `failedLocationCount` locations fail (`Alert`). */
  public readonly alert: MonitorMetricAlert;

  constructor(scope: Construct, id: string, props: McpAvailabilityTestProps) {
    super(scope, id);
    const baseName = requiredRenamedProp(this, "baseName", props.baseName, "name", props.name);
    const locations = props.geoLocations ?? DEFAULT_TEST_LOCATIONS;
    const failedLocationCount = props.failedLocationCount ?? 2;
    if (locations.length < 3 || new Set(locations).size !== locations.length) {
      throw new ValidationError(
        `geoLocations must name at least 3 distinct test locations (got ${JSON.stringify(locations)})`,
        this,
      );
    }
    if (
      !Token.isUnresolved(failedLocationCount) &&
      (!Number.isInteger(failedLocationCount) ||
        failedLocationCount < 1 ||
        failedLocationCount > locations.length)
    ) {
      throw new ValidationError(
        `failedLocationCount must be an integer from 1 to the number of geoLocations, ${locations.length} (got ${failedLocationCount})`,
        this,
      );
    }
    if (!Token.isUnresolved(props.url) && !/^https:\/\/[^/\s]+$/.test(props.url)) {
      throw new ValidationError(`url must be https://<host> without a path (got '${props.url}')`, this);
    }
    const tags = { ...props.tags };

    this.resource = new ApplicationInsightsStandardWebTest(this, "Resource", {
      name: `webtest-${baseName}-healthz`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      applicationInsightsId: props.applicationInsights.id,
      description: "GET /healthz expects 200 and a certificate valid for 7 more days",
      geoLocations: [...locations],
      frequency: 300,
      timeout: 30,
      retryEnabled: true,
      enabled: true,
      request: { url: `${props.url}${LIVENESS_PATH}`, httpVerb: "GET", followRedirectsEnabled: false },
      validationRules: { expectedStatusCode: 200, sslCheckEnabled: true, sslCertRemainingLifetime: 7 },
      tags,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.alert = new MonitorMetricAlert(this, "Alert", {
      name: `alert-${baseName}-availability`,
      resourceGroupName: props.resourceGroupName,
      description: `/healthz failed from ${failedLocationCount} or more of ${locations.length} locations`,
      severity: 1,
      scopes: [this.resource.id, props.applicationInsights.id],
      applicationInsightsWebTestLocationAvailabilityCriteria: {
        webTestId: this.resource.id,
        componentId: props.applicationInsights.id,
        failedLocationCount,
      },
      action: [{ actionGroupId: props.actionGroup.id }],
      tags,
    });
  }

  /**
   * The standard web test.
   * @deprecated use `resource` (the same object).
   */
  public get webTest(): ApplicationInsightsStandardWebTest {
    return this.resource;
  }
}
