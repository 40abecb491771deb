import { JwksServer } from "../__tests__/server/auth/support/jwks-server";
import {
  APP_ID_URI,
  CLIENT_ID,
  delegatedClaims,
  newSigningKey,
  signToken,
  TENANT_ID,
} from "../__tests__/server/auth/support/tokens";
import { checkEcho, measureAlternating, Target } from "./b1-throughput";
import { startOurs } from "./lib/ours";
import { Figure, goalAtLeast, reported } from "./lib/report";
import { median, ratio } from "./lib/stats";

const CALLERS = 32;

/** Our server with a given extra environment, as one A/B target. */
async function target(
  key: string,
  env: Record<string, string>,
  extra: Partial<Target> = {},
): Promise<Target> {
  return { key, server: await startOurs(key, env), headers: {}, ...extra };
}

async function medians(targets: Target[]): Promise<Map<string, number>> {
  try {
    for (const t of targets) await checkEcho(t);
    const results = await measureAlternating(targets);
    return new Map([...results].map(([key, runs]) => [key, median(runs.map((r) => r.requestsPerSecond))]));
  } finally {
    await Promise.all(targets.map((t) => t.server.stop()));
  }
}

/**
 * B2: Entra token validation on versus auth off, same server, same load. Each of the 32 connections is a
 * different user with its own token, signed by a key served from a JWKS endpoint on 127.0.0.1; clients reuse
 * their token, as real ones do for its lifetime.
 */
export async function runB2(): Promise<Figure[]> {
  const key = await newSigningKey("bench-key");
  const jwks = new JwksServer([key.jwk]);
  await jwks.start();
  try {
    const tokens = await Promise.all(
      Array.from({ length: CALLERS }, (_, i) =>
        signToken(delegatedClaims({ oid: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}` }), key),
      ),
    );
    const rps = await medians([
      await target("auth off", {}),
      await target(
        "entra",
        {
          AUTH_MODE: "entra",
          AZURE_TENANT_ID: TENANT_ID,
          MCP_AUDIENCE: `${APP_ID_URI},${CLIENT_ID}`,
          AUTH_JWKS_URI: jwks.uri,
        },
        { connectionHeaders: (i) => ({ authorization: `Bearer ${tokens[i % CALLERS]}` }) },
      ),
    ]);
    return [
      reported("B2", "entra throughput", rps.get("entra")!, "req/s"),
      reported("B2", "auth off throughput", rps.get("auth off")!, "req/s"),
      goalAtLeast("B2", "entra / auth off", ratio(rps.get("entra")!, rps.get("auth off")!), 0.9),
      reported("B2", "JWKS fetches during the run", jwks.fetches, "fetches"),
    ];
  } finally {
    await jwks.stop();
  }
}

/** B6: the per-caller rate limiter switched on but never hit, versus switched off (issue: under 5 % cost). */
export async function runB6(): Promise<Figure[]> {
  const rps = await medians([
    await target("limiter off", { MCP_RATE_LIMIT_PER_MINUTE: "0" }),
    await target("limiter on, not hit", { MCP_RATE_LIMIT_PER_MINUTE: "1000000" }),
  ]);
  return [
    goalAtLeast(
      "B6",
      "rate limiter on (not hit) / off",
      ratio(rps.get("limiter on, not hit")!, rps.get("limiter off")!),
      0.95,
    ),
  ];
}
