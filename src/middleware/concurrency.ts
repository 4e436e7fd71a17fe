import { ConfigurationError } from "../errors.js";
import { JSONResponse } from "../response/responses.js";
import type { BaseContext } from "../types.js";
import type { Middleware } from "./compose.js";

export interface ConcurrencyLimitOptions {
  /** Most requests handled at once; the next ones get 503 until one finishes. */
  max: number;
  /** Seconds the client is told to wait (`Retry-After`, default 1). */
  retryAfter?: number;
}

/**
 * Sheds load past a number of requests in flight: 503 `{"detail":"Service Unavailable"}` with
 * `Retry-After`, answered at once, so an overloaded server keeps its latency for the requests it
 * takes instead of queueing everyone.
 *
 * @example
 * app.use(concurrencyLimit({ max: 256 }));
 */
export function concurrencyLimit(options: ConcurrencyLimitOptions): Middleware<BaseContext> {
  if (!Number.isInteger(options.max) || options.max < 1) {
    throw new ConfigurationError(
      `concurrencyLimit(): max must be a positive integer, got ${options.max}.`,
    );
  }
  const retryAfter = String(options.retryAfter ?? 1);
  let inFlight = 0;
  return async function concurrencyLimitMiddleware(_ctx, next) {
    if (inFlight >= options.max) {
      return new JSONResponse(
        { detail: "Service Unavailable" },
        { status: 503, headers: { "retry-after": retryAfter } },
      );
    }
    inFlight++;
    try {
      return await next();
    } finally {
      inFlight--;
    }
  };
}
