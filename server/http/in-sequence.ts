import { NextFunction, Request, RequestHandler, Response } from "express";

/**
 * Express middleware run in order as one handler, with express 5's rules: `next(error)` (or a throw, or a
 * rejected promise) skips to the error handlers, `next()` runs the next one, and the last one's `next()`
 * continues past the group. One router layer instead of one per middleware: express matches the path and
 * wraps the call once per layer, which on /mcp cost more than most of the middleware it ran.
 */
export function inSequence(handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => new Sequence(handlers, req, res, next).step();
}

/** One request's walk through the handlers. */
class Sequence {
  private index = 0;
  /**
   * The `next` each handler gets. Assigned in the constructor, not a class field or a named closure: the
   * bundle keeps names (esbuild `--keep-names`), which costs a `defineProperty` on every named function
   * created per request; a function assigned to a property has no name to keep.
   */
  readonly step: (error?: unknown) => void;

  constructor(
    private readonly handlers: readonly RequestHandler[],
    private readonly req: Request,
    private readonly res: Response,
    private readonly next: NextFunction,
  ) {
    this.step = (error?: unknown): void => this.advance(error);
  }

  private advance(error: unknown): void {
    if (error) {
      this.next(error);
      return;
    }
    const handler = this.handlers[this.index++];
    if (!handler) {
      this.next();
      return;
    }
    try {
      const result: unknown = handler(this.req, this.res, this.step);
      if (result instanceof Promise)
        result.then(undefined, (reason: unknown) => this.step(reason ?? new Error("Rejected promise")));
    } catch (thrown) {
      this.step(thrown ?? new Error("Thrown undefined"));
    }
  }
}
