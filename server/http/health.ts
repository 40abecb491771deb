import { Router } from "express";
import { SERVER_VERSION } from "../version";
import { Lifecycle } from "../lifecycle";
import { LIVENESS_PATH, READINESS_PATH } from "../contract";

/** A readiness check: resolves true when its dependency is usable. Must be quick and must not throw secrets. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** Named readiness checks behind /readyz (e.g. "jwks": signing keys cached). */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  /** Adds a check, or replaces the one of the same name. */
  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Runs every check at once; one that throws or rejects counts as failing. */
  async run(): Promise<Record<string, "ok" | "failing">> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const ok = await Promise.resolve()
          .then(check)
          .catch(() => false);
        return [name, ok ? "ok" : "failing"] as const;
      }),
    );
    return Object.fromEntries(entries);
  }
}

/** /healthz (liveness: no dependency calls) and /readyz (readiness: draining or a failing check gives 503). */
export function healthRoutes(lifecycle: Lifecycle, readiness: ReadinessRegistry, startedAt: number): Router {
  const router = Router();
  router.get(LIVENESS_PATH, (_req, res) => {
    res.json({
      status: "ok",
      version: SERVER_VERSION,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
    });
  });
  router.get(READINESS_PATH, async (_req, res) => {
    const checks = await readiness.run();
    if (lifecycle.draining) {
      res.status(503).json({ status: "draining", checks });
    } else if (Object.values(checks).includes("failing")) {
      res.status(503).json({ status: "degraded", checks });
    } else {
      res.json({ status: "ready", checks });
    }
  });
  return router;
}
