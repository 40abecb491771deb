import { RequestHandler } from "express";

/**
 * Express middleware run in order as one handler, with express 5's rules: `next(error)` (or a throw, or a
 * rejected promise) skips to the error handlers, `next()` runs the next one, and the last one's `next()`
 * continues past the group. One router layer instead of one per middleware: express matches the path and
 * wraps the call once per layer, which on /mcp cost more than most of the middleware it ran.
 */
export function inSequence(handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      if (error) {
        next(error);
        return;
      }
      const handler = handlers[index++];
      if (!handler) {
        next();
        return;
      }
      try {
        const result: unknown = handler(req, res, step);
        if (result instanceof Promise)
          result.then(undefined, (reason: unknown) => step(reason ?? new Error("Rejected promise")));
      } catch (thrown) {
        step(thrown ?? new Error("Thrown undefined"));
      }
    };
    step();
  };
}
