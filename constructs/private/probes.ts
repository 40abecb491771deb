import type { ContainerAppTemplateContainerLivenessProbe } from "@cdktf/provider-azurerm/lib/container-app";
import { IConstruct } from "constructs";
import { HealthProbe } from "../health-probe";
import { LIVENESS_PATH, READINESS_PATH } from "../../server/contract";
import { ValidationError } from "../validation-error";
import { checkIntegerInRange } from "./checks";

/** Defaults: liveness is cheap and patient, readiness reacts fast, startup allows a 60 s cold start. */
export const PROBE_DEFAULTS = {
  liveness: {
    path: LIVENESS_PATH,
    intervalSeconds: 10,
    timeoutSeconds: 5,
    failureCountThreshold: 3,
    initialDelaySeconds: 0,
  },
  readiness: {
    path: READINESS_PATH,
    intervalSeconds: 5,
    timeoutSeconds: 3,
    failureCountThreshold: 3,
    initialDelaySeconds: 0,
  },
  startup: {
    path: LIVENESS_PATH,
    intervalSeconds: 3,
    timeoutSeconds: 3,
    failureCountThreshold: 20,
    initialDelaySeconds: 0,
  },
} as const satisfies Record<string, Required<HealthProbe>>;

/** Which of a container's three probes. */
export type ProbeKind = keyof typeof PROBE_DEFAULTS;
const PROBE_KINDS = Object.keys(PROBE_DEFAULTS) as ProbeKind[];

/** The three probes of one container, as given (`livenessProbe`, ...). */
export type GivenProbes = { readonly [K in ProbeKind as `${K}Probe`]?: HealthProbe };
/** The three probes of one container, defaults filled in. */
export type ResolvedProbes = Record<ProbeKind, Required<HealthProbe>>;

const LIMITS: Record<Exclude<keyof HealthProbe, "path">, [number, number]> = {
  intervalSeconds: [1, 240],
  timeoutSeconds: [1, 240],
  failureCountThreshold: [1, 30],
  initialDelaySeconds: [0, 60],
};

/**
 * Merges each given probe over its defaults and checks it; `prefix` goes before the field names in messages
 * (`upstream.` for the upstream container).
 */
export function resolveProbes(scope: IConstruct, given: GivenProbes, prefix = ""): ResolvedProbes {
  const resolve = (kind: ProbeKind): Required<HealthProbe> => {
    const field = `${prefix}${kind}Probe`;
    const probe = { ...PROBE_DEFAULTS[kind], ...given[`${kind}Probe`] };
    checkProbePath(scope, field, probe.path);
    for (const [key, [min, max]] of Object.entries(LIMITS) as [keyof typeof LIMITS, [number, number]][]) {
      checkIntegerInRange(scope, `${field}.${key}`, probe[key], min, max);
    }
    return probe;
  };
  return Object.fromEntries(PROBE_KINDS.map((kind) => [kind, resolve(kind)])) as ResolvedProbes;
}

function checkProbePath(scope: IConstruct, field: string, path: string): void {
  if (!path.startsWith("/")) {
    throw new ValidationError(`${field}.path must start with '/' (got '${path}')`, scope);
  }
}

/** One probe block: `HTTP` on `path`, or `TCP` (no path) for a server that may have no health path. */
type ProbeBlock = ContainerAppTemplateContainerLivenessProbe & { transport: "HTTP" | "TCP" };

/**
 * The `livenessProbe`, `readinessProbe` and `startupProbe` blocks of a container on `port`. `paths` picks
 * each probe's path; a probe without one is a TCP probe.
 */
export function renderProbes(
  probes: ResolvedProbes,
  port: number,
  paths: Partial<Record<ProbeKind, string>>,
): Record<`${ProbeKind}Probe`, ProbeBlock[]> {
  const render = (kind: ProbeKind): ProbeBlock[] => {
    const probe = probes[kind];
    const path = paths[kind];
    return [
      {
        transport: path === undefined ? "TCP" : "HTTP",
        port,
        path,
        intervalSeconds: probe.intervalSeconds,
        timeout: probe.timeoutSeconds,
        failureCountThreshold: probe.failureCountThreshold,
        initialDelay: probe.initialDelaySeconds,
      },
    ];
  };
  return {
    livenessProbe: render("liveness"),
    readinessProbe: render("readiness"),
    startupProbe: render("startup"),
  };
}
