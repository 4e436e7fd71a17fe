import type { Context } from "../context.js";
import type { VialResponse } from "../response/responses.js";

/** Calls the rest of the chain (inner middleware, then the route) and gives its response. */
export type Next = () => Promise<VialResponse>;

/**
 * Code around every request: receives the context and `next`, returns a response (any value a
 * handler may return). Code before `await next()` runs on the way in, code after on the way out.
 *
 * @example
 * app.use(async (ctx, next) => {
 *   const started = performance.now();
 *   const res = await next();
 *   res.headers.set("x-took-ms", String(performance.now() - started));
 *   return res;
 * });
 */
export type Middleware<C = Context> = (ctx: C, next: Next) => unknown;

/**
 * Composes middleware into one function, outermost first (koa-compose's onion). `toResponse`
 * turns each middleware's return value into a response; a middleware that returns nothing after
 * calling `next()` passes the inner response on.
 */
export function compose<X>(
  middleware: readonly Middleware<any>[],
  contextOf: (x: X) => unknown,
  toResponse: (x: X, value: unknown) => VialResponse,
  terminal: (x: X) => Promise<VialResponse>,
): (x: X) => Promise<VialResponse> {
  return (x) => {
    const ctx = contextOf(x);
    const dispatch = async (i: number): Promise<VialResponse> => {
      if (i === middleware.length) return terminal(x);
      let inner: Promise<VialResponse> | undefined;
      const next: Next = () => {
        if (inner) throw new Error(`Middleware ${middleware[i]!.name || i} called next() twice`);
        inner = dispatch(i + 1);
        return inner;
      };
      const value = await middleware[i]!(ctx, next);
      if (value === undefined) {
        if (inner) return inner;
        throw new Error(
          `Middleware ${middleware[i]!.name || i} neither returned a response nor called next()`,
        );
      }
      return toResponse(x, value);
    };
    return dispatch(0);
  };
}
