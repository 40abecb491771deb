/** Tuning for one HTTP health probe on the target port. Unset fields take the probe's own defaults. */
export interface HealthProbe {
  /**
   * Request path; must start with `/`.
   * @default - `/healthz` for liveness and startup, `/readyz` for readiness
   */
  readonly path?: string;
  /**
   * Seconds between probes (1 to 240).
   * @default 10 (liveness), 5 (readiness), 3 (startup)
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds before one probe times out (1 to 240).
   * @default 5 (liveness), 3 (readiness, startup)
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the probe counts as failed (1 to 30).
   * @default 3 (liveness, readiness), 20 (startup)
   */
  readonly failureCountThreshold?: number;
  /**
   * Seconds after the container starts before the first probe (0 to 60).
   * @default 0
   */
  readonly initialDelaySeconds?: number;
}
