import type { UpstreamTarget } from "./upstream-target";

const READINESS_TIMEOUT_MS = 2000;

/** /readyz's check of an HTTP upstream: it answers HTTP at all (any status) within two seconds. */
export function upstreamAnswers(target: UpstreamTarget): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const probe = target.request("GET", { accept: "text/event-stream" }, READINESS_TIMEOUT_MS);
    probe.on("response", (response) => {
      response.destroy();
      resolve(true);
    });
    probe.on("timeout", () => probe.destroy(new Error("timeout")));
    probe.on("error", () => resolve(false));
    probe.end();
  });
}
