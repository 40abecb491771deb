/**
 * Waits for work whose length grows with the machine's load (a flood, a drain, descriptors settling) by
 * its progress rather than by a wall-clock budget: a busy machine slows progress without stopping it, while
 * a hang or a leak stops it. `progress()` is any reading of the work done so far (a count, counts as JSON);
 * a change is progress.
 */
const POLL_MS = 10;
/** No change at all for this long is a stall; ample for one step of work on two cores shared by many. */
export const STALL_MS = 30_000;

/** Settles with `work`; rejects, naming `what` and the last reading, once `progress()` stalls for `stallMs`. */
export function withoutStall<T>(
  work: Promise<T>,
  progress: () => unknown,
  what: string,
  stallMs = STALL_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let last = JSON.stringify(progress());
    let movedAt = Date.now();
    const watch = setInterval(() => {
      const now = JSON.stringify(progress());
      if (now !== last) {
        last = now;
        movedAt = Date.now();
      } else if (Date.now() - movedAt > stallMs) {
        clearInterval(watch);
        reject(new Error(`${what}: no progress for ${stallMs} ms, stuck at ${now}`));
      }
    }, POLL_MS);
    work.then(
      (value) => {
        clearInterval(watch);
        resolve(value);
      },
      (error: unknown) => {
        clearInterval(watch);
        reject(error);
      },
    );
  });
}

/** Resolves once `done()`; rejects once `progress()` stalls for `stallMs` before that. */
export async function untilDone(
  done: () => boolean,
  progress: () => unknown,
  what: string,
  stallMs = STALL_MS,
): Promise<void> {
  let last = JSON.stringify(progress());
  let movedAt = Date.now();
  while (!done()) {
    const now = JSON.stringify(progress());
    if (now !== last) {
      last = now;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > stallMs) {
      throw new Error(`${what}: no progress for ${stallMs} ms, stuck at ${now}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * The jest timeout of a test whose waits are all progress-watched: only a bound for a livelock (progress
 * that never ends), never reached by a slow machine before a stall would be reported.
 */
export const LIVELOCK_MS = 15 * 60_000;
