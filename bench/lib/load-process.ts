// The load generator's own process (bench/lib/load.ts forks it): autocannon here competes with the servers
// under test only as one more process, never inside the process that reads their CPU time and runs the rounds.
import autocannon from "autocannon";
import type { LoadResult, LoadRequest } from "./load";

async function run(request: LoadRequest): Promise<LoadResult> {
  let connection = 0;
  const result = await autocannon({
    url: request.url,
    method: "POST",
    body: request.body,
    headers: request.headers,
    connections: request.connections,
    ...(request.perConnectionHeaders
      ? {
          setupClient: (client: autocannon.Client) => {
            client.setHeaders({
              ...request.headers,
              ...request.perConnectionHeaders![connection++ % request.perConnectionHeaders!.length],
            });
          },
        }
      : {}),
    ...(request.amount ? { amount: request.amount } : { duration: request.durationSeconds }),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

process.on("message", (request: LoadRequest) => {
  run(request).then(
    (result) => process.send!({ ok: true, result }),
    (error: unknown) => process.send!({ ok: false, error: String(error) }),
  );
});
