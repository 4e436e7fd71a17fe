import { ConfigurationError } from "../errors.js";
import { JSONResponse } from "../response/responses.js";
import type { BaseContext } from "../types.js";
import type { Middleware } from "./compose.js";

export interface ConcurrencyLimitOptions {
  /** Most requests handled at once; the next ones get 503 until one finishes. */
  max?: number;
  /**
   * Event-loop delay, in ms, past which requests get 503 until it falls again. This is what
   * catches CPU-bound overload, where requests wait in the socket before node even reads them
   * and the in-flight count stays low. Off by default.
   */
  maxEventLoopDelay?: number;
  /** Seconds the client is told to wait (`Retry-After`, default 1). */
  retryAfter?: number;
}

const SAMPLE_MS = 50;

/**
 * Sheds load: past `max` requests in flight, or while the event loop lags more than
 * `maxEventLoopDelay` ms, requests get 503 `{"detail":"Service Unavailable"}` with `Retry-After`
 * at once, so an overloaded server keeps its latency for the requests it takes instead of
 * queueing everyone.
 *
 * @example
 * app.use(concurrencyLimit({ max: 256, maxEventLoopDelay: 200 }));
 */
export function concurrencyLimit(options: ConcurrencyLimitOptions): Middleware<BaseContext> {
  const max = options.max ?? Number.POSITIVE_INFINITY;
  if (options.max !== undefined && (!Number.isInteger(options.max) || options.max < 1)) {
    throw new ConfigurationError(
      `concurrencyLimit(): max must be a positive integer, got ${options.max}.`,
    );
  }
  if (options.max === undefined && options.maxEventLoopDelay === undefined) {
    throw new ConfigurationError("concurrencyLimit(): give `max`, `maxEventLoopDelay`, or both.");
  }
  const retryAfter = String(options.retryAfter ?? 1);
  const lag =
    options.maxEventLoopDelay === undefined ? undefined : watchEventLoop(options.maxEventLoopDelay);
  let inFlight = 0;
  return async function concurrencyLimitMiddleware(_ctx, next) {
    if (inFlight >= max || lag?.overloaded) {
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

/** Samples how late a timer fires; an unref'd timer, so it never keeps the process alive. */
function watchEventLoop(maxDelay: number): { overloaded: boolean } {
  const state = { overloaded: false };
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    state.overloaded = now - last - SAMPLE_MS > maxDelay;
    last = now;
  }, SAMPLE_MS).unref();
  return state;
}
