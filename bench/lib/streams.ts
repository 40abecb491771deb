import { request, IncomingMessage, ClientRequest, Agent } from "node:http";

/** An open SSE response and the times (ms since epoch) its chunks arrived. */
export interface OpenStream {
  readonly request: ClientRequest;
  readonly response: IncomingMessage;
  readonly chunkTimes: number[];
}

// One agent without pooling limits: every stream needs its own socket.
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

export function openSse(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", agent, headers: { accept: "text/event-stream", ...headers } });
    req.once("error", reject);
    req.once("response", (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET ${url}: HTTP ${response.statusCode}`));
        return;
      }
      const chunkTimes: number[] = [];
      response.on("data", () => chunkTimes.push(Date.now()));
      resolve({ request: req, response, chunkTimes });
    });
    req.end();
  });
}

/** Runs `open` for `count` items with at most `parallel` in flight. */
export async function openMany<T>(
  count: number,
  parallel: number,
  open: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await open(i);
      }
    }),
  );
  return results;
}

/** The largest gap between consecutive chunks, counting from `since`, up to `until`. */
export function largestGapMs(chunkTimes: readonly number[], since: number, until: number): number {
  const times = [since, ...chunkTimes.filter((t) => t > since && t <= until), until];
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
  return gap;
}
