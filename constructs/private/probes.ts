import { Token } from "cdktf";
import { HealthProbe } from "../health-probe";
import { LIVENESS_PATH, READINESS_PATH } from "../../server/contract";

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

const LIMITS: Record<Exclude<keyof HealthProbe, "path">, [number, number]> = {
  intervalSeconds: [1, 240],
  timeoutSeconds: [1, 240],
  failureCountThreshold: [1, 30],
  initialDelaySeconds: [0, 60],
};

/** Merges `probe` over `defaults`; returns the problems found (empty when valid), each naming the field. */
export function resolveProbe(
  field: string,
  defaults: Required<HealthProbe>,
  probe: HealthProbe = {},
): { probe: Required<HealthProbe>; problems: string[] } {
  const merged = { ...defaults, ...probe };
  const problems: string[] = [];
  if (!merged.path.startsWith("/")) problems.push(`${field}.path must start with '/' (got '${merged.path}')`);
  for (const [key, [min, max]] of Object.entries(LIMITS) as [keyof typeof LIMITS, [number, number]][]) {
    const value = merged[key];
    if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > max)) {
      problems.push(`${field}.${key} must be an integer from ${min} to ${max} (got ${value})`);
    }
  }
  return { probe: merged, problems };
}
