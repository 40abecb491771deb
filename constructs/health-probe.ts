import { Token } from "cdktf";

/** Tuning for one HTTP health probe on the target port. Unset fields take the probe's own defaults. */
export interface HealthProbe {
  /** Request path; must start with `/`. */
  readonly path?: string;
  /** Seconds between probes (1 to 240). */
  readonly intervalSeconds?: number;
  /** Seconds before one probe times out (1 to 240). */
  readonly timeoutSeconds?: number;
  /** Consecutive failures before the probe counts as failed (1 to 30). */
  readonly failureCountThreshold?: number;
  /** Seconds after the container starts before the first probe (0 to 60). */
  readonly initialDelaySeconds?: number;
}

/** Defaults: liveness is cheap and patient, readiness reacts fast, startup allows a 60 s cold start. */
export const PROBE_DEFAULTS = {
  liveness: { path: "/healthz", intervalSeconds: 10, timeoutSeconds: 5, failureCountThreshold: 3, initialDelaySeconds: 0 },
  readiness: { path: "/readyz", intervalSeconds: 5, timeoutSeconds: 3, failureCountThreshold: 3, initialDelaySeconds: 0 },
  startup: { path: "/healthz", intervalSeconds: 3, timeoutSeconds: 3, failureCountThreshold: 20, initialDelaySeconds: 0 },
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
